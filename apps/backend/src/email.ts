// E-mail syntax and normalisation close to pydantic's EmailStr (email-validator, no DNS lookups).

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\uFFFF-]+)*$/u;
const LABEL = /^(?!-)[A-Za-z0-9\u0080-\uFFFF-]{1,63}(?<!-)$/u;
// Special-use domains email-validator refuses (RFC 6761 and friends).
const SPECIAL_USE = ['arpa', 'invalid', 'local', 'localhost', 'onion', 'test'];

/** Reduces `Name <a@b.com>` to the address, as pydantic does. */
function addressPart(value: string): string {
  const match = /^[^<>]*<([^<>]+)>$/.exec(value.trim());
  return match ? match[1] : value;
}

export function isEmail(value: string): boolean {
  const address = addressPart(value);
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local.length > 64 || domain.length > 253 || !LOCAL.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return false;
  const tld = labels[labels.length - 1];
  if (/^\d+$/.test(tld) || SPECIAL_USE.includes(tld)) return false;
  return true;
}

/** Stored form: the address only, domain lower-cased, local part as typed (NFC). */
export function normaliseEmail(value: string): string {
  const address = addressPart(value);
  const at = address.lastIndexOf('@');
  return `${address.slice(0, at).normalize('NFC')}@${address.slice(at + 1).toLowerCase()}`;
}
