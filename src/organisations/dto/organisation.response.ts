import { ApiProperty } from '@nestjs/swagger';
import { ORGANISATION_ROLES, type OrganisationRole } from '../organisation-role.js';

export class OrganisationMemberResponse {
  @ApiProperty({ example: 'ddf8cd96-491c-43df-b3f5-999d0230acf8', format: 'uuid' })
  userId: string;

  @ApiProperty({ example: 'ada@example.com', type: String, nullable: true })
  email: string | null;

  @ApiProperty({ enum: ORGANISATION_ROLES })
  role: OrganisationRole;

  @ApiProperty({ example: '2026-12-01T10:02:13.418Z' })
  addedAt: Date;
}

export class OrganisationSummaryResponse {
  @ApiProperty({ example: '5c9e9f1f-061b-4dd1-b044-98b316cbfa00', format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Acme Robotics' })
  name: string;

  @ApiProperty({ enum: ORGANISATION_ROLES, description: 'Your role in it' })
  role: OrganisationRole;

  @ApiProperty({ example: '2026-12-01T10:02:13.418Z' })
  createdAt: Date;
}

export class OrganisationResponse extends OrganisationSummaryResponse {
  @ApiProperty({ type: [OrganisationMemberResponse] })
  members: OrganisationMemberResponse[];
}
