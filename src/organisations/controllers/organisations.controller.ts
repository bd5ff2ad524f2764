import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiOperation,
} from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ErrorBody } from '../../common/errors/error-body.js';
import { AddMemberDto, ChangeRoleDto, CreateOrganisationDto } from '../dto/organisation.dto.js';
import { OrganisationResponse, OrganisationSummaryResponse } from '../dto/organisation.response.js';
import { OrganisationService } from '../services/organisation.service.js';
import type { Plain } from '../../common/plain.js';

@ApiTags('organisations')
@Auth()
@ApiNotFoundResponse({ type: ErrorBody, description: 'No such organisation among yours (non-members get this too)' })
@Controller('v1/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationService) {}

  @Post()
  @ApiOperation({ summary: 'Creates an organisation; you are its owner' })
  @Auth(Role.BUYER, Role.ADMIN)
  @ApiCreatedResponse({ type: OrganisationResponse, description: 'The organisation; you are its owner' })
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateOrganisationDto): Promise<Plain<OrganisationResponse>> {
    return this.organisations.create(user, dto);
  }

  @Get()
  @ApiOperation({ summary: 'The organisations you belong to, with your role' })
  @ApiOkResponse({ type: [OrganisationSummaryResponse], description: 'The organisations you belong to' })
  listMine(@CurrentUser() user: AuthUser): Promise<Plain<OrganisationSummaryResponse>[]> {
    return this.organisations.listMine(user);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One of your organisations with its members' })
  @ApiOkResponse({ type: OrganisationResponse })
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<OrganisationResponse>> {
    return this.organisations.get(user, id);
  }

  @Post(':id/members')
  @ApiOperation({ summary: 'Adds an existing account to the organisation' })
  @ApiCreatedResponse({ type: OrganisationResponse })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Only owners and admins add members; only owners add owners' })
  @ApiConflictResponse({ type: ErrorBody, description: 'Already a member' })
  addMember(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() dto: AddMemberDto,
  ): Promise<Plain<OrganisationResponse>> {
    return this.organisations.addMember(user, id, dto);
  }

  @Patch(':id/members/:userId')
  @ApiOperation({ summary: "Changes a member's role" })
  @ApiOkResponse({ type: OrganisationResponse })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Only owners and admins change roles; only owners grant or take the owner role' })
  @ApiConflictResponse({ type: ErrorBody, description: 'The organisation would have no owner left' })
  changeRole(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('userId', new ParseUUIDPipe()) userId: string,
    @Body() dto: ChangeRoleDto,
  ): Promise<Plain<OrganisationResponse>> {
    return this.organisations.changeRole(user, id, userId, dto);
  }

  @Delete(':id/members/:userId')
  @ApiOperation({ summary: 'Removes a member; their access to the organisation and its orders ends now' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'Removed; their access to the organisation and its orders ends now' })
  @ApiForbiddenResponse({ type: ErrorBody, description: 'Only owners and admins remove members; only owners remove owners' })
  @ApiConflictResponse({ type: ErrorBody, description: 'The organisation would have no owner left' })
  removeMember(
    @CurrentUser() user: AuthUser,
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('userId', new ParseUUIDPipe()) userId: string,
  ): Promise<void> {
    return this.organisations.removeMember(user, id, userId);
  }

  @Post(':id/leave')
  @ApiOperation({ summary: 'Leaves the organisation' })
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'You are no longer a member' })
  @ApiConflictResponse({ type: ErrorBody, description: 'You are the last owner' })
  leave(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.organisations.leave(user, id);
  }
}
