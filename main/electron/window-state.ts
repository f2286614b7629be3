/** Window bounds remembered between launches. Pure so it can be tested without Electron. */
export interface WindowBounds { x?: number; y?: number; width: number; height: number; maximized: boolean }

export const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 820, maximized: false };

export interface DisplayArea { x: number; y: number; width: number; height: number }

/** Keeps a remembered window on a display that still exists (monitors get unplugged). */
export function fitBoundsToDisplays(saved: WindowBounds | undefined, displays: DisplayArea[]): WindowBounds {
  if (!saved || saved.width < 400 || saved.height < 300) return DEFAULT_BOUNDS;
  if (saved.x === undefined || saved.y === undefined) return saved;
  const { x, y } = saved;
  const visible = displays.some((d) => x + 100 > d.x && x < d.x + d.width - 100 && y >= d.y - 10 && y < d.y + d.height - 100);
  return visible ? saved : { width: saved.width, height: saved.height, maximized: saved.maximized };
}
