// A binding's "Extended Properties" (HTTP/2 window and settings limits, performance, TLS restrictions, error headers)
// are set through HttpSetServiceConfiguration only: `netsh http add sslcert` has no parameter for any of them
// (test/fixtures/netsh-add-sslcert-usage-win2022.txt), so a delete and re-add resets them to what a fresh add gives.
// Both public Windows Server 2022 captures (netsh-show-sslcert-win10-2022-extended.txt,
// netsh-show-sslcert-newest-field-list-template.txt) print the same values for a binding netsh added: those are the
// values a re-add gives back; anything else would be lost silently, so the procedure refuses before the delete.
import type {SslBinding, SslExtendedProperty} from '../../ops/netsh.ts';

/** PropertyId → the field values a binding added by netsh prints, in order (labels may be translated: values only). */
const AFTER_NETSH_ADD: Readonly<Record<string, readonly string[]>> = {
  '0': ['1048576'],
  '1': ['2796202', '4294967295'],
  '2': [],
  '3': [],
  '4': [],
};

function describe(property: SslExtendedProperty): string {
  const fields = property.fields.map((f) => `${f.label} = ${f.value ?? '(null)'}`).join(', ');
  return `PropertyId ${property.propertyId}${fields ? ` (${fields})` : ''}`;
}

/** The extended properties a re-add would not give back, each as `PropertyId N (Label = value, …)`. */
export function extendedPropertiesLostByReAdd(binding: Pick<SslBinding, 'extendedProperties'>): string[] {
  return binding.extendedProperties
    .filter((property) => {
      const values = property.fields.map((f) => f.value ?? '');
      const expected = AFTER_NETSH_ADD[property.propertyId];
      // An unknown PropertyId with nothing in it is as empty as 2, 3 and 4 are.
      if (!expected) return values.length > 0;
      return values.length !== expected.length || values.some((v, i) => v !== expected[i]);
    })
    .map(describe);
}

/** The refusal, or null when a re-add gives the binding back as it is. */
export function extendedPropertiesRefusal(binding: Pick<SslBinding, 'extendedProperties'>, ipport: string, node: string): string | null {
  const lost = extendedPropertiesLostByReAdd(binding);
  if (!lost.length) return null;
  return (
    `the SSL binding on ${ipport} on ${node} has extended properties that \`netsh http add sslcert\` cannot set, so deleting and re-adding it would reset them: ${lost.join('; ')}. ` +
    `Nothing was changed. Reset them to the defaults (or remove them) with the tool that set them (HttpSetServiceConfiguration), run certwalk, then set them again on the new binding`
  );
}
