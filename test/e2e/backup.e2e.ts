import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, callApi, startServer, waitFor } from '../run-server';
import { artifactsDir, closeBrowserAndServer, launchChromium } from './browser';

describe('the Backup view in Chromium', () => {
  let server: RunningServer;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    server = await startServer();
    browser = await launchChromium('en-US');
    const loaded = await callApi(server.url, 'library.loadSample');
    expect(loaded.json.ok, JSON.stringify(loaded.json)).toBe(true);
    await waitFor(async () => {
      const jobs = (await callApi(server.url, 'library.jobs')).json.value.jobs as Array<{ state: string }>;
      return jobs.length > 0 && jobs.every((j) => j.state === 'done') ? true : undefined;
    }, 60_000, 'sample library imported');
  });
  afterAll(() => closeBrowserAndServer(browser, server));

  const documents = async () => (await callApi(server.url, 'library.list')).json.value.documents as Array<{ id: string; filename: string }>;

  it('backs up, a document is deleted, the restore brings it back', async () => {
    const { page, consoleErrors } = browser;
    await page.goto(`${server.url}/#/backup`);
    await page.getByTestId('backups-empty').waitFor();
    expect(await page.getByTestId('backup-last-run').textContent()).toBe('Automatic backups are off (Settings → Backups).');

    await page.getByTestId('backup-now').click();
    const notice = page.getByTestId('backup-notice');
    await notice.filter({ hasText: 'Backup saved and verified' }).waitFor({ timeout: 60_000 });
    const row = page.getByTestId('backup-row').first();
    await row.waitFor();
    expect(await row.getByTestId('backup-verification').textContent()).toBe('verified');
    expect(await row.textContent()).toContain(`${(await documents()).length} docs`);
    const filename = await row.getAttribute('data-filename');
    expect(filename).toMatch(/^agente-bsc-\d{8}-\d{6}\.bscbackup$/);

    // Verify from the list: every check passes.
    await row.getByTestId('backup-verify').click();
    const report = page.getByTestId('verify-report');
    await report.waitFor({ timeout: 60_000 });
    expect(await report.textContent()).toContain('This backup can be restored.');
    expect(await report.locator('li[data-ok="false"]').count()).toBe(0);

    // Delete a document through the API (as the Library view does).
    const before = await documents();
    const victim = before.find((d) => d.filename.endsWith('.pdf')) ?? before[0]!;
    const del = await callApi(server.url, 'library.delete', { documentId: victim.id });
    expect(del.json.value.deleted).toBe(true);
    expect((await documents()).some((d) => d.id === victim.id)).toBe(false);

    // Restore: a confirm step that says a safety backup is taken, then the restore.
    await page.locator(`[data-testid="backup-row"][data-filename="${filename}"]`).getByTestId('backup-restore').click();
    const confirm = page.getByTestId('restore-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('A safety backup of the current data is taken first');
    await page.getByTestId('restore-confirm-yes').click();
    await notice.filter({ hasText: 'Restored the backup of' }).waitFor({ timeout: 60_000 });
    // The safety backup is listed beside the original.
    await page.locator('[data-testid="backup-row"][data-filename$="-before-restore.bscbackup"]').waitFor();
    expect((await documents()).map((d) => d.id).sort()).toEqual(before.map((d) => d.id).sort());

    await page.goto(`${server.url}/#/library`);
    await page.locator(`[data-testid="doc-row"][data-filename="${victim.filename}"]`).waitFor({ timeout: 20_000 });
    expect(consoleErrors).toEqual([]);
  });

  it('restores an uploaded file, and shows a failed schedule as a warning', async () => {
    const { page } = browser;
    const listed = (await callApi(server.url, 'backup.list')).json.value.backups as Array<{ path: string; filename: string }>;
    const original = listed.find((b) => !b.filename.includes('before-restore'))!;
    const victim = (await documents())[0]!;
    await callApi(server.url, 'library.delete', { documentId: victim.id });

    // A schedule whose last run failed: the view must say so loudly.
    await callApi(server.url, 'settings.set', { backup: { schedule: 'daily', time: '02:00' } });
    fs.writeFileSync(path.join(server.dataDir, 'backup-state.json'), JSON.stringify({
      lastScheduled: { at: new Date(Date.now() - 3600_000).toISOString(), ok: false, error: 'the backup folder is on a disconnected drive', path: null },
      scheduleSince: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      verified: {},
    }));

    const health = (await callApi(server.url, 'backup.list')).json;
    expect(health.value?.warning, JSON.stringify(health)).toMatch(/disconnected drive/);
    await page.goto(`${server.url}/#/backup`);
    await page.getByTestId('backup-warning').waitFor();
    expect(await page.getByTestId('backup-warning').textContent()).toContain('disconnected drive');
    expect(await page.getByTestId('backup-last-run').textContent()).toMatch(/failed: the backup folder is on a disconnected drive/);

    // Browser mode: the picked file is uploaded, then restored by its upload id.
    await page.getByTestId('restore-file-input').setInputFiles(original.path);
    await page.getByTestId('restore-confirm').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('restore-confirm').textContent()).toContain(original.filename);
    await page.getByTestId('restore-confirm-yes').click();
    await page.getByTestId('backup-notice').filter({ hasText: 'Restored the backup of' }).waitFor({ timeout: 60_000 });
    expect((await documents()).some((d) => d.id === victim.id)).toBe(true);
    // The upload is removed once used.
    const incoming = path.join(server.dataDir, 'incoming');
    expect(fs.existsSync(incoming) ? fs.readdirSync(incoming) : []).toEqual([]);
    await page.screenshot({ path: path.join(artifactsDir, 'backup.png'), fullPage: true });

    // Settings shows the schedule panel with the saved values.
    await page.goto(`${server.url}/#/settings`);
    const panel = page.getByTestId('backup-schedule-panel');
    await panel.waitFor();
    expect(await page.getByTestId('backup-schedule').inputValue()).toBe('daily');
    await page.getByTestId('backup-schedule').selectOption('weekly');
    await page.getByTestId('backup-weekday').selectOption('5');
    await page.getByTestId('backup-keep').fill('3');
    await page.getByTestId('backup-schedule-save').click();
    await panel.getByText('Saved').waitFor();
    const s = (await callApi(server.url, 'settings.get')).json.value.backup;
    expect([s.schedule, s.weekday, s.keep]).toEqual(['weekly', 5, 3]);
    await panel.screenshot({ path: path.join(artifactsDir, 'backup-schedule.png') });
  });
});
