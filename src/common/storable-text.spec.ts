import { isStorableText } from './storable-text';

describe('isStorableText', () => {
  it.each(['u1', 'é', '😀', '\ufffd', 'tab\there'])('accepts %j', (text) => expect(isStorableText(text)).toBe(true));
  it.each(['\ud800', 'a\udbffb', '\udc00', 'x\u0000', '\ude00\ud83d'])('refuses %j', (text) => expect(isStorableText(text)).toBe(false));
});
