/** A/B-test statistics: pure functions, no I/O. See each module for methods and sources. */
export * from './proportions.ts';
export * from './continuous.ts';
export * from './power.ts';
export * from './sequential.ts';
export * from './verdict.ts';
export * from './paired.ts';
