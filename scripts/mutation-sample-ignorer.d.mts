interface Position {
  line: number;
  column: number;
}
interface Place {
  fileName: string;
  location: { start: Position; end: Position };
}
export function nestedInSample(
  places: readonly Place[],
  fileName: string,
  loc: { start: Position; end: Position },
): boolean;
export const strykerPlugins: unknown[];
