"use client";

import { createContext, useContext, useState } from "react";
import { BUTTON_SMALL, BUTTON_SMALL_SHAPE } from "./styles";

// "Listen in place": at most one Spotify embed player is open on the page. The iframe is created only
// when its Preview button is pressed, so the page loads nothing from Spotify until the user asks.
const OpenPreview = createContext<{ openId: string | null; toggle: (trackId: string) => void }>({
  openId: null,
  toggle: () => {},
});

/** Holds which song's player is open; opening another closes the first. */
export function PreviewGroup({ children }: { children: React.ReactNode }) {
  const [openId, setOpenId] = useState<string | null>(null);
  const toggle = (trackId: string) => setOpenId((current) => (current === trackId ? null : trackId));
  return <OpenPreview.Provider value={{ openId, toggle }}>{children}</OpenPreview.Provider>;
}

export function PreviewButton({ trackId, songName }: { trackId: string; songName: string }) {
  const { openId, toggle } = useContext(OpenPreview);
  const open = openId === trackId;
  return (
    <button type="button" onClick={() => toggle(trackId)} aria-expanded={open} aria-controls={`preview-${trackId}`}
      aria-label={`Preview ${songName}`}
      className={open ? `${BUTTON_SMALL_SHAPE} border-brand bg-brand text-black` : BUTTON_SMALL}>
      <span aria-hidden="true">{open ? "■" : "▶"}</span> Preview
    </button>
  );
}

export function PreviewPlayer({ trackId, songName, embedUrl }: { trackId: string; songName: string; embedUrl: string }) {
  const { openId } = useContext(OpenPreview);
  return (
    <div id={`preview-${trackId}`}>
      {openId === trackId && (
        <iframe src={embedUrl} title={`Spotify player: ${songName}`} className="mt-2 h-20 w-full rounded-xl border-0"
          allow="autoplay; clipboard-write; encrypted-media; fullscreen; picture-in-picture" loading="lazy" />
      )}
    </div>
  );
}
