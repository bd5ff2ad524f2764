import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { ConsentErrorCode, ConsentException } from '../../consent/consent.exception.js';
import { CatalogErrorCode, CatalogException } from '../catalog.exception.js';
import { AuditQuery, ReviewQueueQuery } from '../dto/audit.query.js';
import { ApproveDto, ReasonDto } from '../dto/create-dataset.dto.js';
import { DatasetResponse } from '../dto/dataset.response.js';
import { AuditPage, ReviewQueueItem } from '../dto/review.response.js';
import { DatasetReviewService } from '../services/dataset-review.service.js';

const DATASET_ID = '067e188a-4264-41b0-97a8-ecc3623f344f';
const NoDataset = () => ApiErrorResponse('No such dataset', new CatalogException(CatalogErrorCode.DATASET_NOT_FOUND, `No dataset ${DATASET_ID}`));
const NotInReview = (action: string) =>
  ApiErrorResponse(
    `The dataset is not in a state ${action} applies to`,
    new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${DATASET_ID} is not waiting for review (it is editing)`),
  );

@ApiTags('review')
@Auth(Role.ADMIN)
@Controller('v1/admin')
export class AdminReviewsController {
  constructor(private readonly reviews: DatasetReviewService) {}

  @Get('reviews')
  @ApiOperation({ summary: 'The review queue: drafts waiting for an admin, oldest first, with what changed since the last version' })
  @ApiOkResponse({ type: [ReviewQueueItem], description: 'Drafts waiting for review, oldest first, with what changed since the last version' })
  queue(@Query() query: ReviewQueueQuery): Promise<ReviewQueueItem[]> {
    return this.reviews.queue(query);
  }

  @Post('datasets/:id/approve')
  @ApiOperation({ summary: 'Approves a submitted dataset: its version is frozen, anchored and listed' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse, description: 'Published as the next version; its anchor follows on-chain' })
  @NoDataset()
  @ApiErrorResponse(
    'Not in review, edited while being approved, or a contributor has not consented (yet)',
    new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${DATASET_ID} is not waiting for review (it is editing)`),
    new ConsentException(
      ConsentErrorCode.MISSING,
      `Dataset ${DATASET_ID} waits for the consent of 1 contributor(s): 0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0 has not answered. Ask them again, or drop their captures from the draft`,
    ),
  )
  approve(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ApproveDto): Promise<DatasetResponse> {
    return this.reviews.approve(admin, id, dto.note);
  }

  @Post('datasets/:id/reject')
  @ApiOperation({ summary: 'Rejects a submitted dataset, with the reason the contributor reads' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse })
  @NoDataset()
  @NotInReview('rejecting')
  reject(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto): Promise<DatasetResponse> {
    return this.reviews.reject(admin, id, dto.reason);
  }

  @Post('datasets/:id/request-changes')
  @ApiOperation({ summary: 'Sends a submitted dataset back to its contributor with the changes to make' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse })
  @NoDataset()
  @NotInReview('asking for changes')
  requestChanges(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto): Promise<DatasetResponse> {
    return this.reviews.requestChanges(admin, id, dto.reason);
  }

  @Post('datasets/:id/takedown')
  @ApiOperation({ summary: 'Takes a listed dataset off the storefront; buyers keep what their licence gives them' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse, description: 'Unlisted; buyers keep what their licence gives them' })
  @NoDataset()
  @ApiErrorResponse(
    'Never published, or already taken down',
    new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${DATASET_ID} was never published; reject it instead`),
    new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${DATASET_ID} is already taken down`),
  )
  takedown(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto): Promise<DatasetResponse> {
    return this.reviews.takedown(admin, id, dto.reason);
  }

  @Post('datasets/:id/reinstate')
  @ApiOperation({ summary: 'Lists a taken-down dataset again' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse, description: 'Listed again' })
  @NoDataset()
  @ApiErrorResponse('Not taken down', new CatalogException(CatalogErrorCode.INVALID_STATE, `Dataset ${DATASET_ID} is not taken down`))
  reinstate(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto): Promise<DatasetResponse> {
    return this.reviews.reinstate(admin, id, dto.reason);
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log of review actions, newest first' })
  @ApiOkResponse({ type: AuditPage, description: 'Every workflow action with actor and time, newest first' })
  audit(@Query() query: AuditQuery): Promise<AuditPage> {
    return this.reviews.audit(query);
  }
}
