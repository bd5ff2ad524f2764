import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsString, MaxLength, MinLength } from 'class-validator';
import { ORGANISATION_ROLES, type OrganisationRole } from '../organisation-role.js';

export class CreateOrganisationDto {
  @ApiProperty({ example: 'Acme Robotics' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name: string;
}

export class AddMemberDto {
  @ApiProperty({ example: 'colleague@acme.test', description: 'The email of an existing account' })
  @IsEmail()
  @MaxLength(320)
  email: string;

  @ApiProperty({ enum: ORGANISATION_ROLES, description: 'Only an owner may add another owner' })
  @IsIn(ORGANISATION_ROLES)
  role: OrganisationRole;
}

export class ChangeRoleDto {
  @ApiProperty({ enum: ORGANISATION_ROLES, description: 'Only an owner may grant or take away the owner role' })
  @IsIn(ORGANISATION_ROLES)
  role: OrganisationRole;
}
