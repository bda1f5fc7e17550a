export * from './channels';
export * from './model';
export * from './result';
export * from './bridge';
export * from './training';
