/**
 * Stands in for the `yaml` package in the hunt worker bundle (see worker-entry.ts): workers get
 * rules already parsed, and yaml is two thirds of the bundle. Nothing in a worker calls these.
 */
function unavailable(): never {
  throw new Error('YAML is parsed in the main thread, not in hunt workers');
}

export const parse = unavailable;
export const parseAllDocuments = unavailable;
