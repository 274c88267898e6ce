import { invalidInput } from './errors.ts';

/** A page number and size as the paginated logs take them (request log, audit log), or a 400 naming the field. */
export function checkPage(page: number, pageSize: number, maxPageSize: number): void {
  if (!Number.isInteger(page) || page < 1) throw invalidInput('page must be a positive integer', 'page');
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > maxPageSize) {
    throw invalidInput(`page_size must be an integer from 1 to ${maxPageSize}`, 'page_size');
  }
}
