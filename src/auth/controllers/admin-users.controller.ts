import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags, ApiOperation } from '@nestjs/swagger';
import { Auth } from '../decorators/auth.decorator.js';
import { ListUsersQuery } from '../dto/list-users.query.js';
import { UserPageResponse } from '../dto/user.response.js';
import { Role } from '../role.js';
import { UserDirectoryService } from '../services/user-directory.service.js';

@ApiTags('admin')
@Auth(Role.ADMIN)
@Controller('v1/admin/users')
export class AdminUsersController {
  constructor(private readonly directory: UserDirectoryService) {}

  @Get()
  @ApiOperation({ summary: 'Every account, a page at a time (admins)' })
  @ApiOkResponse({ type: UserPageResponse })
  list(@Query() query: ListUsersQuery): Promise<UserPageResponse> {
    return this.directory.list(query);
  }
}
