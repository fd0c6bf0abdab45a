// Class lists shared by the recommendations page's controls (Tailwind reads them from here).
// Every control shows where the keyboard focus is: a brand-green ring, clear on the dark background.

export const FOCUS_RING = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand";

/** The small pill buttons of a recommendation row, without their colours. */
export const BUTTON_SMALL_SHAPE = `inline-flex items-center gap-1 rounded-full border px-3 py-1 text-xs font-medium ${FOCUS_RING}`;

/** The small pill buttons of a recommendation row. */
export const BUTTON_SMALL = `${BUTTON_SMALL_SHAPE} border-zinc-600 text-zinc-100 hover:border-zinc-300`;

/** A card of the page: charts, legends. Less padding on a phone, where every pixel of width counts. */
export const CARD = "rounded-xl border border-zinc-800 bg-zinc-900/60 p-4 sm:p-6";
