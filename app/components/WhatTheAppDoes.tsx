/** What signing in lets the app do, said where people decide to sign in or out. */
export function WhatTheAppDoes() {
  return (
    <section aria-labelledby="what-the-app-does" className="space-y-2 text-sm text-zinc-300" data-testid="what-the-app-does">
      <h2 id="what-the-app-does" className="font-semibold text-zinc-100">What happens when you sign in</h2>
      <ul className="list-disc space-y-1 pl-5">
        <li>Spotify asks you to let the app <strong>read your liked songs</strong> and <strong>create private playlists</strong>; nothing else.</li>
        <li>
          The app keeps your Spotify id and name, a copy of your liked songs (id, title, first artist, date liked) to
          recommend from, the playlists you save through it, and your Spotify sign-in, encrypted.
        </li>
        <li>It never posts or changes anything on your Spotify account unless you ask: only “Save as a Spotify playlist” creates a playlist.</li>
      </ul>
    </section>
  );
}
