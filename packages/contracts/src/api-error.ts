/** Every 4xx/5xx body of the API. */
export interface ApiError {
  statusCode: number;
  /** The reason, or one sentence per problem for validation errors. */
  message: string | string[];
  error: string;
}
