import { CreateAuthTables1764288000000 } from './1764288000000-CreateAuthTables.js';
import { CreateRateLimitHits1764288000001 } from './1764288000001-CreateRateLimitHits.js';
import { CreateJobs1764374400000 } from './1764374400000-CreateJobs.js';
import { CreateCapturesAndNetworks1764374400001 } from './1764374400001-CreateCapturesAndNetworks.js';
import { CreateLicenceTemplates1764460800000 } from './1764460800000-CreateLicenceTemplates.js';
import { CreateCatalog1764547200000 } from './1764547200000-CreateCatalog.js';
import { CreateProvenanceTables1764547200001 } from './1764547200001-CreateProvenanceTables.js';
import { CreateCheckout1764633600000 } from './1764633600000-CreateCheckout.js';
import { CreateRevenue1764720000000 } from './1764720000000-CreateRevenue.js';
import { CreateOrganisations1764806400000 } from './1764806400000-CreateOrganisations.js';
import { LighterRevenueChecks1764806400100 } from './1764806400100-LighterRevenueChecks.js';
import { PayoutLookupTables1764806400200 } from './1764806400200-PayoutLookupTables.js';
import { CreateDatasetSearchEntries1764806400300 } from './1764806400300-CreateDatasetSearchEntries.js';
import { PayoutTransferParts1764806400400 } from './1764806400400-PayoutTransferParts.js';
import { OrdersTimeIndex1764806400500 } from './1764806400500-OrdersTimeIndex.js';
import { MoveJobsToPgBoss1764892800000 } from './1764892800000-MoveJobsToPgBoss.js';
import { ExpirySweepIndexes1764892800001 } from './1764892800001-ExpirySweepIndexes.js';
import { OutboxLeaseTokens1764892800002 } from './1764892800002-OutboxLeaseTokens.js';
import { PaymentMethodRequests1764892801000 } from './1764892801000-PaymentMethodRequests.js';
import { RefundOutbox1764892801100 } from './1764892801100-RefundOutbox.js';
import { LicensedFiles1764892801200 } from './1764892801200-LicensedFiles.js';
import { CaptureContentKeys1764892802000 } from './1764892802000-CaptureContentKeys.js';
import { CaptureTypedCounts1764892802001 } from './1764892802001-CaptureTypedCounts.js';
import { RefundLeaseTokens1764892802100 } from './1764892802100-RefundLeaseTokens.js';
import { LicensedFileSales1764892803000 } from './1764892803000-LicensedFileSales.js';
import { CaptureWarnings1764892804100 } from './1764892804100-CaptureWarnings.js';
import { ImageryModality1764892804200 } from './1764892804200-ImageryModality.js';
import { CaptureFootprints1764892805000 } from './1764892805000-CaptureFootprints.js';
import { SearchTiersAndOutlines1764892805100 } from './1764892805100-SearchTiersAndOutlines.js';
import { ListingUnitPrices1764892806000 } from './1764892806000-ListingUnitPrices.js';
import { CreateQuotes1764892806100 } from './1764892806100-CreateQuotes.js';
import { OrderSlices1764892806200 } from './1764892806200-OrderSlices.js';
import { SplitBasis1764892806300 } from './1764892806300-SplitBasis.js';
import { FileFootprintFacts1764892806400 } from './1764892806400-FileFootprintFacts.js';
import { CapturePreviews1764892806900 } from './1764892806900-CapturePreviews.js';
import { CreateConsentRecords1764892807000 } from './1764892807000-CreateConsentRecords.js';
import { RevocableOnWithdrawal1764892807100 } from './1764892807100-RevocableOnWithdrawal.js';
import { ConsentTakedowns1764892807200 } from './1764892807200-ConsentTakedowns.js';
import { CreateCarts1764892807500 } from './1764892807500-CreateCarts.js';
import { CreateBuyerNotifications1764892807700 } from './1764892807700-CreateBuyerNotifications.js';
import { CreateAdvanceGrants1764892807800 } from './1764892807800-CreateAdvanceGrants.js';
import { CreateSubscriptions1764892808000 } from './1764892808000-CreateSubscriptions.js';
import { CartLineAllowRepeat1764892808100 } from './1764892808100-CartLineAllowRepeat.js';

/** Every migration, oldest first. Listed explicitly so the same set runs from TypeScript (tests) and from dist/. */
export const migrations = [
  CreateAuthTables1764288000000,
  CreateRateLimitHits1764288000001,
  CreateJobs1764374400000,
  CreateCapturesAndNetworks1764374400001,
  CreateLicenceTemplates1764460800000,
  CreateCatalog1764547200000,
  CreateProvenanceTables1764547200001,
  CreateCheckout1764633600000,
  CreateRevenue1764720000000,
  CreateOrganisations1764806400000,
  LighterRevenueChecks1764806400100,
  PayoutLookupTables1764806400200,
  CreateDatasetSearchEntries1764806400300,
  PayoutTransferParts1764806400400,
  OrdersTimeIndex1764806400500,
  MoveJobsToPgBoss1764892800000,
  ExpirySweepIndexes1764892800001,
  OutboxLeaseTokens1764892800002,
  PaymentMethodRequests1764892801000,
  RefundOutbox1764892801100,
  LicensedFiles1764892801200,
  CaptureContentKeys1764892802000,
  CaptureTypedCounts1764892802001,
  RefundLeaseTokens1764892802100,
  LicensedFileSales1764892803000,
  CaptureWarnings1764892804100,
  ImageryModality1764892804200,
  CaptureFootprints1764892805000,
  SearchTiersAndOutlines1764892805100,
  ListingUnitPrices1764892806000,
  CreateQuotes1764892806100,
  OrderSlices1764892806200,
  SplitBasis1764892806300,
  FileFootprintFacts1764892806400,
  CapturePreviews1764892806900,
  CreateConsentRecords1764892807000,
  RevocableOnWithdrawal1764892807100,
  ConsentTakedowns1764892807200,
  CreateCarts1764892807500,
  CreateBuyerNotifications1764892807700,
  CreateAdvanceGrants1764892807800,
  CreateSubscriptions1764892808000,
  CartLineAllowRepeat1764892808100,
];
