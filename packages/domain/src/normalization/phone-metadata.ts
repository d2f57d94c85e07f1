import type { MetadataJson } from 'libphonenumber-js/core';
// The full ("max") metadata validates numbers by their real ranges, not only by length. Imported
// through the package's JS wrapper of the JSON so it loads the same way everywhere.
import metadata from 'libphonenumber-js/metadata.max.json';

export const PHONE_METADATA = metadata as unknown as MetadataJson;
