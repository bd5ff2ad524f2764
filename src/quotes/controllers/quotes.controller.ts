import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { CatalogErrorCode, CatalogException } from '../../catalog/catalog.exception.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { CommonErrorCode, CommonException } from '../../common/errors/common.exception.js';
import type { Plain } from '../../common/plain.js';
import { CreateQuoteDto } from '../dto/create-quote.dto.js';
import { QuoteResponse } from '../dto/quote.response.js';
import { QuoteErrorCode, QuoteException } from '../quote.exception.js';
import { QuotesService } from '../services/quotes.service.js';

const DATASET_ID = '067e188a-4264-41b0-97a8-ecc3623f344f';

@ApiTags('quotes')
@Controller('v1/quotes')
export class QuotesController {
  constructor(private readonly quotes: QuotesService) {}

  @Post()
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiOperation({
    summary: 'Quote a whole listed dataset, or a slice of it by area x window x modalities',
    description:
      "Without area, window or modalities: the whole price and every file. Otherwise the captures of the listed version that meet the area in the window and are of the modalities, priced by the listing's unit prices (rate x quantity, rounded half up once on the total, at least the minimum, at most the whole price). Valid for 10 minutes.",
  })
  @ApiCreatedResponse({ type: QuoteResponse })
  @ApiErrorResponse(
    'An invalid area, from after to, an unknown modality or unit',
    new CatalogException(CatalogErrorCode.INVALID_AREA, 'polygon must be a GeoJSON Polygon or MultiPolygon object'),
    new QuoteException(QuoteErrorCode.INVALID_WINDOW, 'from must not be after to'),
    new CommonException(CommonErrorCode.VALIDATION_FAILED, 'unit must be one of the following values: km, hour, gb'),
  )
  @ApiErrorResponse(
    'No such dataset for sale (unpublished or taken down)',
    new QuoteException(QuoteErrorCode.DATASET_NOT_LISTED, `No dataset ${DATASET_ID} is for sale`),
  )
  @ApiErrorResponse(
    'An empty slice (with the reason), a dataset without unit prices or with an exclusive licence, or a unit it is not priced in',
    new QuoteException(QuoteErrorCode.EMPTY_SLICE, 'The slice is empty: no capture of this dataset is in the area'),
    new QuoteException(QuoteErrorCode.NOT_SLICEABLE, `Dataset ${DATASET_ID} has no unit prices: it is only sold whole`),
    new QuoteException(QuoteErrorCode.EXCLUSIVE_WHOLE_ONLY, `Dataset ${DATASET_ID} has an exclusive licence: it is only sold whole`),
    new QuoteException(QuoteErrorCode.UNIT_NOT_PRICED, `Dataset ${DATASET_ID} is not priced per hour; it is per km`),
  )
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateQuoteDto): Promise<Plain<QuoteResponse>> {
    return this.quotes.create(user, dto);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'One of your quotes, as it was made (expired ones too)' })
  @ApiOkResponse({ type: QuoteResponse })
  @ApiErrorResponse(
    'No such quote among yours',
    new QuoteException(QuoteErrorCode.QUOTE_NOT_FOUND, 'No quote e97843fd-b2c6-4928-af8c-cb10f97868ff among yours'),
  )
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<QuoteResponse>> {
    return this.quotes.get(user, id);
  }
}
