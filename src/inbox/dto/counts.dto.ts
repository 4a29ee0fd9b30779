import { ApiProperty, getSchemaPath } from '@nestjs/swagger';
import type { Counts } from '../inbox.js';

export class CategoryCountsDto {
  @ApiProperty({ example: 2 })
  unseen: number;
  @ApiProperty({ example: 3 })
  unread: number;
  @ApiProperty({ example: 5 })
  total: number;
}

export class CountsDto extends CategoryCountsDto {
  @ApiProperty({ description: "the user's inbox version these counts are as of", example: 17 })
  version: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: getSchemaPath(CategoryCountsDto) }, description: 'every category with total > 0' })
  categories: Record<string, CategoryCountsDto>;
}

export class UserCountsDto extends CountsDto {
  @ApiProperty({ example: 'u1' })
  userId: string;
}

export function toUserCountsDto(userId: string, counts: Counts): UserCountsDto {
  return { userId, ...counts };
}
