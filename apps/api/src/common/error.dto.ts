import { ApiProperty } from '@nestjs/swagger';
import { type ApiError } from '@leadflow/contracts';

/** The body of every 4xx/5xx answer. */
export class ErrorDto implements ApiError {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({
    description: 'What was wrong: one sentence, or one per invalid field.',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: ['limit must not be greater than 200'],
  })
  message!: string | string[];

  @ApiProperty({ example: 'Bad Request' })
  error!: string;
}
