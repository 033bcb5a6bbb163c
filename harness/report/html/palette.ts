/**
 * Model colours: one per model across the whole report, so a model keeps its colour from one scenario's
 * timeline to the next. Ten hues chosen to stay apart from each other and from the breaker-state colours.
 */
const HUES = [
  "#2563eb",
  "#9333ea",
  "#0891b2",
  "#db2777",
  "#ca8a04",
  "#4f46e5",
  "#0d9488",
  "#c2410c",
  "#7c3aed",
  "#65a30d",
];

/** Maps model ids to colours in order of first sight; past ten models the hues repeat. */
export class ModelPalette {
  readonly #colours = new Map<string, string>();

  /** The model's colour, assigning the next hue on first sight. */
  colourOf(model: string): string {
    let colour = this.#colours.get(model);
    if (colour === undefined) {
      colour = HUES[this.#colours.size % HUES.length] ?? "#64748b";
      this.#colours.set(model, colour);
    }
    return colour;
  }
}
