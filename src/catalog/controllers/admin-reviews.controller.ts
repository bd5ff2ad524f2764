import { Body, Controller, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { AuditQuery, ReviewQueueQuery } from '../dto/audit.query.js';
import { ApproveDto, ReasonDto } from '../dto/create-dataset.dto.js';
import { DatasetResponse } from '../dto/dataset.response.js';
import { AuditPage, ReviewQueueItem } from '../dto/review.response.js';
import { DatasetReviewService } from '../services/dataset-review.service.js';

@ApiTags('review')
@Auth(Role.ADMIN)
@ApiConflictResponse({ type: ErrorBody, description: 'The dataset is not in a state this action applies to' })
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
  approve(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ApproveDto): Promise<DatasetResponse> {
    return this.reviews.approve(admin, id, dto.note);
  }

  @Post('datasets/:id/reject')
  @ApiOperation({ summary: 'Rejects a submitted dataset, with the reason the contributor reads' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse })
  reject(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto): Promise<DatasetResponse> {
    return this.reviews.reject(admin, id, dto.reason);
  }

  @Post('datasets/:id/request-changes')
  @ApiOperation({ summary: 'Sends a submitted dataset back to its contributor with the changes to make' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse })
  requestChanges(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto): Promise<DatasetResponse> {
    return this.reviews.requestChanges(admin, id, dto.reason);
  }

  @Post('datasets/:id/takedown')
  @ApiOperation({ summary: 'Takes a listed dataset off the storefront; buyers keep what their licence gives them' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse, description: 'Unlisted; buyers keep what their licence gives them' })
  takedown(@CurrentUser() admin: AuthUser, @Param('id', new ParseUUIDPipe()) id: string, @Body() dto: ReasonDto): Promise<DatasetResponse> {
    return this.reviews.takedown(admin, id, dto.reason);
  }

  @Post('datasets/:id/reinstate')
  @ApiOperation({ summary: 'Lists a taken-down dataset again' })
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: DatasetResponse, description: 'Listed again' })
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
