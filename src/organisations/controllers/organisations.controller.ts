import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../../auth/auth-user.js';
import { Auth, CurrentUser } from '../../auth/decorators/auth.decorator.js';
import { Role } from '../../auth/role.js';
import { ApiErrorResponse } from '../../common/errors/api-error-response.decorator.js';
import { AddMemberDto, ChangeRoleDto, CreateOrganisationDto } from '../dto/organisation.dto.js';
import { OrganisationResponse, OrganisationSummaryResponse } from '../dto/organisation.response.js';
import { OrganisationErrorCode, OrganisationException } from '../organisations.exception.js';
import { OrganisationService } from '../services/organisation.service.js';
import type { Plain } from '../../common/plain.js';

const ORGANISATION_ID = '5c9e9f1f-061b-4dd1-b044-98b316cbfa00';
const MEMBER_ID = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';
const notYours = new OrganisationException(OrganisationErrorCode.NOT_FOUND, `No organisation ${ORGANISATION_ID} among yours`);
const notAMember = new OrganisationException(
  OrganisationErrorCode.MEMBER_NOT_FOUND,
  `User ${MEMBER_ID} is not a member of organisation ${ORGANISATION_ID}`,
);
const lastOwner = new OrganisationException(
  OrganisationErrorCode.LAST_OWNER,
  `Organisation ${ORGANISATION_ID} must keep at least one owner; make someone else owner first`,
);
const NotYours = () => ApiErrorResponse('No such organisation among yours (non-members get this too)', notYours);
const NoMember = () => ApiErrorResponse('No such organisation among yours (non-members get this too), or no such member of it', notYours, notAMember);
const NotManager = (description: string, message: string) =>
  ApiErrorResponse(
    description,
    new OrganisationException(OrganisationErrorCode.FORBIDDEN, 'Only owners and admins manage members'),
    new OrganisationException(OrganisationErrorCode.FORBIDDEN, message),
  );

@ApiTags('organisations')
@Auth()
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
  @NotYours()
  get(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<Plain<OrganisationResponse>> {
    return this.organisations.get(user, id);
  }

  @Post(':id/members')
  @ApiOperation({ summary: 'Adds an existing account to the organisation' })
  @ApiCreatedResponse({ type: OrganisationResponse })
  @ApiErrorResponse(
    'No such organisation among yours (non-members get this too), or no account with that email',
    notYours,
    new OrganisationException(OrganisationErrorCode.USER_NOT_FOUND, 'No account with email ana@example.com; they must register first'),
  )
  @NotManager('Only owners and admins add members; only owners add owners', 'Only an owner can add another owner')
  @ApiErrorResponse(
    'Already a member',
    new OrganisationException(OrganisationErrorCode.ALREADY_MEMBER, 'ana@example.com is already a member; change their role instead'),
  )
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
  @NoMember()
  @NotManager('Only owners and admins change roles; only owners grant or take the owner role', 'Only an owner can grant or take away the owner role')
  @ApiErrorResponse('The organisation would have no owner left', lastOwner)
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
  @NoMember()
  @NotManager('Only owners and admins remove members; only owners remove owners', 'Only an owner can remove an owner')
  @ApiErrorResponse('The organisation would have no owner left', lastOwner)
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
  @NotYours()
  @ApiErrorResponse('You are the last owner', lastOwner)
  leave(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe()) id: string): Promise<void> {
    return this.organisations.leave(user, id);
  }
}
