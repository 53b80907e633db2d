/**
 * One area of the catalogue (labels, entry descriptions, reports...), its three languages side by
 * side so a translator reads each English line next to its French and Dutch. The type makes a key
 * missing or extra in French or Dutch an error.
 */
export interface Area<E extends Record<string, string>> {
  readonly en: E;
  readonly fr: { readonly [K in keyof E]: string };
  readonly nl: { readonly [K in keyof E]: string };
}

export function area<const E extends Record<string, string>>(a: Area<E>): Area<E> {
  return a;
}
