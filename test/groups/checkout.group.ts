import '../checkout-solana.e2e-spec.js';
import '../checkout-card.e2e-spec.js';
import '../checkout-refunds.e2e-spec.js';
import '../checkout-settlement.e2e-spec.js';
import '../admin-orders.e2e-spec.js';
