// The desktop-only part of the API: files from the operating system. Main answers these itself
// (native dialogs, the OS's default app) and the browser mode has no equivalent, so they live
// beside the engine's contract rather than in it. The preload exposes them as `window.bscFiles`,
// built by walking `desktopMethods`; nothing here imports Electron or Node.
import { z } from 'zod';
import type { Reply } from './contract';

type Spec<I extends z.ZodType, O extends z.ZodType> = { input: I; output: O; summary: string };
const method = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, summary: string): Spec<I, O> => ({ input, output, summary });

const Picked = z.object({ paths: z.array(z.string()) });
const ChosenPath = z.object({ path: z.string().nullable() });

export const desktopMethods = {
  pickImport: method(
    z.object({ folders: z.boolean() }).strict(),
    Picked,
    'Native "Import files" (or, with folders, "Import folder") dialog; the chosen paths, none when cancelled.',
  ),
  pickRestoreFile: method(z.object({}).strict().optional(), ChosenPath, 'Native "Restore from file" dialog for a .bscbackup; null when cancelled.'),
  saveBackupAs: method(
    z.object({ defaultName: z.string().min(1).max(255).regex(/^[^\\/:*?"<>|]+$/).optional() }).strict().optional(),
    ChosenPath,
    'Native "Save backup as" dialog; the path to write the backup to, null when cancelled.',
  ),
  openOriginal: method(z.object({ documentId: z.string().min(1).max(200) }).strict(), z.object({ opened: z.boolean(), detail: z.string() }), "Open a document's stored original in the OS's default app."),
} as const;

export type DesktopMethods = typeof desktopMethods;
export type DesktopMethodName = keyof DesktopMethods;
export const desktopMethodNames = Object.keys(desktopMethods) as DesktopMethodName[];
export type DesktopInput<K extends DesktopMethodName> = z.input<DesktopMethods[K]['input']>;
export type DesktopOutput<K extends DesktopMethodName> = z.infer<DesktopMethods[K]['output']>;

/** The IPC channel for a desktop method; the only place one is made. */
export const desktopChannelFor = (name: DesktopMethodName): string => `bsc-desktop:${name}`;

/** `window.bscFiles` in the desktop app (absent in the browser mode). */
export type BscFiles = {
  /** The path on disk of a dropped or picked File (Electron's webUtils.getPathForFile); '' for a File not on disk. */
  pathForFile(file: File): string;
} & { [K in DesktopMethodName]: (input?: DesktopInput<K>) => Promise<Reply<DesktopOutput<K>>> };
