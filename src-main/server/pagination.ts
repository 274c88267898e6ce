import type { FastifyRequest } from 'fastify';

/**
 * A page in Django REST framework's shape `{count, next, previous, results}` (the classic API's
 * request log, the audit log): `next` and `previous` are this request's URL with another `page`.
 */
export function drfPage<T>(request: FastifyRequest, page: number, pageSize: number, count: number, results: T[]) {
  const link = (p: number) => {
    const url = new URL(request.url, `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`);
    url.searchParams.set('page', String(p));
    return url.toString();
  };
  return {
    count,
    next: page * pageSize < count ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results
  };
}
