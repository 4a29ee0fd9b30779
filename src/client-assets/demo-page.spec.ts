import { renderDemoPage } from './demo-page';

/** The settings the page's script reads, parsed back out of the HTML as the browser would find them. */
function settingsIn(html: string): Record<string, unknown> {
  const match = /<script type="application\/json" id="settings">(.*?)<\/script>/s.exec(html);
  if (match === null) throw new Error('no settings in the page');
  return JSON.parse(match[1]) as Record<string, unknown>;
}

describe('renderDemoPage', () => {
  it('renders whom to connect as into the page', () => {
    expect(settingsIn(renderDemoPage({ via: 'demo', userId: 'demo-1', connectionId: 't-1', reason: 'no-session' }))).toMatchObject({
      userId: 'demo-1',
      connectionId: 't-1',
      who: 'demo user demo-1',
    });
    expect(settingsIn(renderDemoPage({ via: 'session', userId: 'u1' }))).toEqual(expect.not.objectContaining({ connectionId: expect.anything() }));
  });

  it('keeps a user id that looks like markup inside the settings, as data', () => {
    const userId = '</script><script>alert(1)</script>';
    const html = renderDemoPage({ via: 'session', userId });
    expect(html).not.toContain('<script>alert(1)');
    expect(settingsIn(html).userId).toBe(userId);
  });

  it('says why and names no one when the ticket in the address is refused', () => {
    expect(settingsIn(renderDemoPage({ problem: 'unknown or expired connectionId.' }))).toEqual(
      expect.objectContaining({ problem: expect.stringContaining('unknown or expired connectionId'), who: '' }),
    );
  });
});
