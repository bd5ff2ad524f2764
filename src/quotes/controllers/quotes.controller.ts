import { Body, Controller, Get, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import type { Plain } from '../../common/plain.js';
import { CreateQuoteDto } from '../dto/create-quote.dto.js';
import { QuoteResponse } from '../dto/quote.response.js';
import { QuotesService } from '../services/quotes.service.js';

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
  @ApiBadRequestResponse({ type: ErrorBody, description: 'An invalid area (DATASET_INVALID_AREA), from after to, an unknown modality or unit' })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such dataset for sale (unpublished or taken down)' })
  @ApiUnprocessableEntityResponse({
    type: ErrorBody,
    description: 'QUOTE_EMPTY_SLICE (with the reason), QUOTE_NOT_SLICEABLE (no unit prices), QUOTE_EXCLUSIVE_WHOLE_ONLY, QUOTE_UNIT_NOT_PRICED',
  })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateQuoteDto): Promise<Plain<QuoteResponse>> {
    return this.quotes.create(user, dto);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'One of your quotes, as it was made (expired ones too)' })
  @ApiOkResponse({ type: QuoteResponse })
  @ApiNotFoundResponse({ type: ErrorBody, description: 'No such quote among yours' })
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<QuoteResponse>> {
    return this.quotes.get(user, id);
  }
}
