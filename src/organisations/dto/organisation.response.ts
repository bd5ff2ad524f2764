import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_ROLES, type OrganisationRole } from '../organisation-role.js';

export class OrganisationMemberResponse {
  @ApiProperty({ format: 'uuid' })
  userId: string;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ enum: ORGANISATION_ROLES })
  role: OrganisationRole;

  @ApiProperty()
  addedAt: Date;
}

export class OrganisationSummaryResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  name: string;

  @ApiProperty({ enum: ORGANISATION_ROLES, description: 'Your role in it' })
  role: OrganisationRole;

  @ApiProperty()
  createdAt: Date;
}

export class OrganisationResponse extends OrganisationSummaryResponse {
  @ApiProperty({ type: [OrganisationMemberResponse] })
  members: OrganisationMemberResponse[];
}
