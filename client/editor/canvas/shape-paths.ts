/**
 * The shape scene (shape-drawing.ts) as Path2D objects in flow coordinates, built once per scene,
 * and the drawing of a frame: clear, set the view's transform, fill and stroke those paths. The
 * per-frame cost is then the pixels, not the number of modules.
 */
import { PROBLEM_COLOUR, SELECTED_COLOUR, type ShapeScene, WIRE_COLOUR } from "./shape-drawing.js";

export interface ShapePaths {
  /** One path per fill colour. */
  fills: [string, Path2D][];
  selected: Path2D;
  problems: Path2D;
  wires: Path2D;
}

export function shapePaths(scene: ShapeScene): ShapePaths {
  const fills = new Map<string, Path2D>();
  const selected = new Path2D();
  const problems = new Path2D();
  for (const b of scene.boxes) {
    const path = fills.get(b.colour) ?? new Path2D();
    fills.set(b.colour, path);
    path.rect(b.x, b.y, b.width, b.height);
    if (b.selected) selected.rect(b.x, b.y, b.width, b.height);
    if (b.problem) problems.rect(b.x, b.y, b.width, b.height);
  }
  const wires = new Path2D();
  const w = scene.wires;
  for (let i = 0; i + 3 < w.length; i += 4) {
    wires.moveTo(w[i] as number, w[i + 1] as number);
    wires.lineTo(w[i + 2] as number, w[i + 3] as number);
  }
  return { fills: [...fills], selected, problems, wires };
}

/** Draws the paths through the view's transform [x, y, zoom] on a canvas of CSS size w x h. */
export function drawShapes(
  context: CanvasRenderingContext2D,
  paths: ShapePaths,
  [tx, ty, zoom]: readonly [number, number, number],
  size: { width: number; height: number; ratio: number },
): void {
  const { ratio } = size;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, size.width, size.height);
  context.setTransform(ratio * zoom, 0, 0, ratio * zoom, ratio * tx, ratio * ty);
  for (const [colour, path] of paths.fills) {
    context.fillStyle = colour;
    context.fill(path);
  }
  // Lines one screen pixel wide (two for a module's outline), whatever the zoom; a selected
  // module's outline over a problem's.
  context.lineWidth = 1 / zoom;
  context.strokeStyle = WIRE_COLOUR;
  context.stroke(paths.wires);
  context.lineWidth = 2 / zoom;
  context.strokeStyle = PROBLEM_COLOUR;
  context.stroke(paths.problems);
  context.strokeStyle = SELECTED_COLOUR;
  context.stroke(paths.selected);
}
