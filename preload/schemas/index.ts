// Every shape of the API contract, for preload/api.ts to join into channels and events.
export * from './common';
export * from './datasets';
export * from './tokenizers';
export * from './runs';
export * from './experiments';
export * from './analysis';
