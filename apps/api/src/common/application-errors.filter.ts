import { Catch, HttpStatus, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ConflictError, InvalidRequestError, NotFoundError, RateLimitedError, isWriteConflict } from '@leadflow/application';
import { Prisma } from '@leadflow/db';
import type { FastifyReply } from 'fastify';

const STATUS = new Map<Function, [number, string]>([
  [InvalidRequestError, [HttpStatus.BAD_REQUEST, 'Bad Request']],
  [NotFoundError, [HttpStatus.NOT_FOUND, 'Not Found']],
  [ConflictError, [HttpStatus.CONFLICT, 'Conflict']],
  [RateLimitedError, [HttpStatus.TOO_MANY_REQUESTS, 'Too Many Requests']],
]);

/** Use-case errors and database constraint violations become the 4xx they are, with the reason. */
@Catch(InvalidRequestError, NotFoundError, ConflictError, RateLimitedError, Prisma.PrismaClientKnownRequestError)
export class ApplicationErrorsFilter implements ExceptionFilter {
  catch(error: Error, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const [status, name] = STATUS.get(error.constructor) ?? this.prismaStatus(error as Prisma.PrismaClientKnownRequestError);
    const message = error instanceof InvalidRequestError && error.problems ? error.problems : this.message(error);
    if (error instanceof RateLimitedError) void reply.header('retry-after', String(error.retryAfterSeconds));
    void reply.status(status).send({ statusCode: status, message, error: name });
  }

  private prismaStatus(error: Prisma.PrismaClientKnownRequestError): [number, string] {
    if (error.code === 'P2002') return [HttpStatus.CONFLICT, 'Conflict'];
    if (error.code === 'P2025') return [HttpStatus.NOT_FOUND, 'Not Found'];
    if (error.code === 'P2003') return [HttpStatus.CONFLICT, 'Conflict'];
    if (isWriteConflict(error)) return [HttpStatus.CONFLICT, 'Conflict'];
    throw error;
  }

  private message(error: Error): string {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return error.message;
    const target = (error.meta?.target as string[] | undefined)?.join(', ') ?? 'a unique field';
    if (error.code === 'P2002') return `another record already has this ${target}`;
    if (error.code === 'P2003') return 'this record is still referenced by others (or refers to one that does not exist)';
    if (isWriteConflict(error)) return 'the record was being changed by another writer at the same moment; nothing was saved — try again';
    return 'no such record';
  }
}
