/** Settings → Providers: keys, local servers, models, "Test connection". */
export function ProvidersPanel() {
  return null;
}
