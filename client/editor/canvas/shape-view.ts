/**
 * When the shape canvas (ShapeLayer) has to be drawn again, and where the last drawing goes in
 * between. Drawing a frame is cheap in script, but every drawn frame hands the canvas's whole
 * bitmap to the compositor (measured: most of a panning frame's main-thread time). So the canvas is
 * drawn a MARGIN larger than the pane on every side and, while the view pans or zooms, the last
 * drawing is only moved and scaled with a CSS transform; it is drawn again when the view leaves it,
 * when its scale is off by more than MAX_DRIFT, or once the view rests.
 */
export type Transform = readonly [number, number, number];

/** The share of the pane's width and height drawn beyond each of its edges. */
export const MARGIN = 0.2;
/** The most the last drawing is scaled before it is drawn again (blur, or too small to cover). */
const MAX_DRIFT = 1.25;

export interface Drawn {
  transform: Transform;
  /** The margin, in CSS pixels, on the left/right and top/bottom. */
  mx: number;
  my: number;
}

/**
 * The CSS transform that puts the drawing made at `drawn` where the view `now` shows it (the
 * canvas element is at the pane's top left), or undefined when it must be drawn again.
 */
export function placeDrawing(
  drawn: Drawn,
  now: Transform,
  pane: { width: number; height: number },
): { x: number; y: number; scale: number } | undefined {
  const [tx0, ty0, k0] = drawn.transform;
  const [tx1, ty1, k1] = now;
  const scale = k1 / k0;
  if (scale > MAX_DRIFT || scale < 1 / MAX_DRIFT) return undefined;
  // A canvas pixel c (c = old screen point + margin) is now at x + scale * c.
  const x = tx1 - scale * (tx0 + drawn.mx);
  const y = ty1 - scale * (ty0 + drawn.my);
  const right = x + scale * (pane.width + 2 * drawn.mx);
  const bottom = y + scale * (pane.height + 2 * drawn.my);
  if (x > 0 || y > 0 || right < pane.width || bottom < pane.height) return undefined;
  return { x, y, scale };
}
