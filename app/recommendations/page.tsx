import { redirect } from "next/navigation";
import { Suspense } from "react";
import { AppHeader } from "@/app/components/AppHeader";
import { ProfileChart } from "@/app/components/ProfileChart";
import { TasteMapChart } from "@/app/components/TasteMapChart";
import { TasteMix } from "@/app/components/TasteMix";
import { currentUser } from "@/lib/auth/session";
import { getDb } from "@/lib/db/server";
import { isFirstSync, pageControlsSchema, recommendationsForUser, type PageControls, type UserRecommendations } from "@/lib/recommend/for-user";
import { isNotAllowlisted, SpotifyApiError } from "@/lib/spotify/client";
import { SpotifyUnavailableError } from "@/lib/spotify/http";
import { SyncProgressFeed } from "@/lib/spotify/sync-progress";
import { SignInRequiredError } from "@/lib/spotify/tokens";
import { emptyListMessage, playlistName } from "@/lib/recommend/present";
import { ExportButton } from "./ExportButton";
import { ModeHeadline } from "./ModeHeadline";
import { HiddenList } from "./NotForMe";
import { RecommendationList } from "./RecommendationList";
import { CARD, FOCUS_RING } from "./styles";
import { FirstSyncProgress } from "./FirstSyncProgress";

export const dynamic = "force-dynamic";

type Search = Record<string, string | string[] | undefined>;

/**
 * A first visit streams: the progress of reading the liked songs first, then the recommendations.
 * A return visit (the library was read before) renders the recommendations at once, without it.
 */
export default async function RecommendationsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await currentUser();
  if (!user) redirect("/signin");
  if (!(await isFirstSync(await getDb(), user.id))) return <RecommendationsContent searchParams={searchParams} />;
  const syncProgress = new SyncProgressFeed();
  return (
    <Suspense fallback={<FirstSyncProgress userName={user.name} progress={syncProgress} />}>
      <RecommendationsContent searchParams={searchParams} syncProgress={syncProgress} />
    </Suspense>
  );
}

type ContentProps = { searchParams: Promise<Search>; syncProgress?: SyncProgressFeed };

async function RecommendationsContent(props: ContentProps) {
  try {
    return await renderRecommendations(props);
  } finally {
    // Whatever happened (a redirect, bad controls, an error), the progress stream must end.
    props.syncProgress?.close();
  }
}

async function renderRecommendations({ searchParams, syncProgress }: ContentProps) {
  const user = await currentUser();
  if (!user) redirect("/signin");
  const controls = pageControlsSchema.parse(await searchParams);

  let view: UserRecommendations | { kind: "spotify-unavailable" };
  try {
    view = await recommendationsForUser(await getDb(), user.id, controls, syncProgress);
  } catch (error) {
    if (error instanceof SignInRequiredError) redirect("/auth/expired");
    if (isNotAllowlisted(error)) redirect("/signin?error=NotAllowlisted");
    if (!(error instanceof SpotifyUnavailableError || error instanceof SpotifyApiError)) throw error;
    console.error(`Recommendations for a user failed: ${error.name}: ${error.message}`);
    view = { kind: "spotify-unavailable" };
  }

  return (
    <main className="mx-auto max-w-5xl px-6 py-8">
      <AppHeader userName={user.name} className="mb-8" />
      <Body view={view} controls={controls} />
    </main>
  );
}

function EmptyState({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section className="rounded-xl border border-zinc-800 bg-zinc-900/60 p-8" data-testid="empty-state">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <div className="mt-3 text-zinc-300">{children}</div>
    </section>
  );
}

function Body({ view, controls }: { view: UserRecommendations | { kind: "spotify-unavailable" }; controls: PageControls }) {
  switch (view.kind) {
    case "spotify-unavailable":
      return (
        <EmptyState title="Spotify is not answering right now">
          Spotify kept refusing or timing out while we read your liked songs. Nothing is lost: reload the page in a
          minute and we will continue from what we already have.
        </EmptyState>
      );
    case "catalog-empty":
      return (
        <EmptyState title="The song catalog is not ready yet">
          No catalog has been loaded into the database. Run <code className="rounded bg-zinc-800 px-1">npm run seed -- prisma/sample/tracks.csv</code>{" "}
          (or the full Kaggle file), then reload.
        </EmptyState>
      );
    case "no-liked-songs":
      return (
        <EmptyState title="You have no liked songs yet">
          We recommend from the songs you have liked on Spotify. Like a few songs (the heart button), then reload this page.
          {view.sync.skippedLocal > 0 && ` (${view.sync.skippedLocal} local files were skipped: they have no Spotify id.)`}
        </EmptyState>
      );
    case "none-in-catalog":
      return (
        <EmptyState title="None of your liked songs is in our catalog">
          We read {view.sync.stored} liked songs, but none of them is in the catalog we cluster (the Kaggle dataset
          covers songs released up to 2020), so we cannot tell which cluster is yours.
        </EmptyState>
      );
    case "ready":
      return <Ready view={view} controls={controls} />;
  }
}

function Ready({ view, controls }: { view: Extract<UserRecommendations, { kind: "ready" }>; controls: PageControls }) {
  const { result, sync } = view;
  const dominant = result.dominant!;
  const matched = result.matched.byId + result.matched.byName;
  const trackIds = result.recommendations.map((r) => r.track.id);
  const hasExplicitFlag = result.catalog.columns.includes("explicit");
  const mode = controls.mode;
  const clusterLabels = new Map(result.shares.map((s) => [s.clusterId, s.label]));
  return (
    <div className="space-y-8">
      <ModeHeadline result={result} matched={matched} syncStored={sync.stored} skippedLocal={sync.skippedLocal} mode={mode} />

      {/* Cards sit at their own height (items-start): none stretches half empty next to a taller one. */}
      <section className="grid items-start gap-6 lg:grid-cols-5 [&>*]:min-w-0">
        <div className={`${CARD} lg:col-span-3`}>
          <h2 className="mb-4 font-semibold">Where your taste sits</h2>
          <TasteMapChart map={view.map} shares={result.shares} />
        </div>
        <div className="space-y-6 lg:col-span-2 [&>*]:min-w-0">
          <div className={CARD}>
            <h2 className="mb-4 font-semibold">Your taste mix</h2>
            <TasteMix shares={result.shares} />
          </div>
          <div className={CARD}>
            <h2 className="mb-4 font-semibold">{mode === "mix" ? "How your main cluster sounds" : "How your cluster sounds"}</h2>
            <ProfileChart features={result.features} cluster={dominant.profile} user={result.tasteProfile!} clusterLabel={dominant.label} />
          </div>
        </div>
      </section>

      <section className="space-y-4">
        <form method="get" className="flex flex-wrap items-end gap-4 rounded-xl border border-zinc-800 bg-zinc-900/60 p-4 text-sm">
          <label className="flex flex-col gap-1">
            Minimum popularity
            <input name="minPopularity" type="number" min={0} max={100} defaultValue={controls.minPopularity}
              className={`w-28 rounded bg-zinc-800 px-2 py-1 ${FOCUS_RING}`} />
          </label>
          <label className="flex flex-col gap-1">
            How many
            <select name="limit" defaultValue={controls.limit} className={`rounded bg-zinc-800 px-2 py-1 ${FOCUS_RING}`}>
              {[10, 20, 30, 50].map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </label>
          <label className="flex flex-col gap-1">
            From
            <select name="mode" defaultValue={controls.mode} className={`rounded bg-zinc-800 px-2 py-1 ${FOCUS_RING}`}>
              <option value="dominant">your dominant cluster</option>
              <option value="mix">your taste mix</option>
            </select>
          </label>
          {hasExplicitFlag ? (
            <label className="flex flex-col gap-1">
              Explicit songs
              <select name="explicit" defaultValue={controls.explicit} className={`rounded bg-zinc-800 px-2 py-1 ${FOCUS_RING}`}>
                <option value="1">allowed</option>
                <option value="0">hidden</option>
              </select>
            </label>
          ) : (
            <label className="flex flex-col gap-1" title="This catalog's file has no explicit column">
              Explicit songs
              <select disabled aria-describedby="explicit-reason" className="rounded bg-zinc-800 px-2 py-1 text-zinc-400">
                <option>not known</option>
              </select>
              <span id="explicit-reason" className="text-xs text-zinc-300">this catalog has no explicit flag</span>
            </label>
          )}
          <button type="submit" className={`rounded-full border border-zinc-500 px-4 py-1.5 hover:border-zinc-300 ${FOCUS_RING}`}>Update</button>
        </form>

        {result.notice && <p className="text-sm text-amber-300" role="status">{result.notice}</p>}

        {/* Save stays in reach while the list scrolls by, on a phone too. */}
        <div className="sticky top-0 z-10 flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-zinc-800 bg-zinc-950/95 py-3 backdrop-blur"
          data-testid="list-toolbar">
          <h2 className="font-semibold">
            {result.recommendations.length} songs {mode === "mix" ? "from your taste mix" : "from your cluster"}
          </h2>
          <ExportButton key={trackIds.join(",")} name={playlistName(mode, dominant.label)} trackIds={trackIds} />
        </div>

        <RecommendationList recommendations={result.recommendations} mode={mode} clusterLabels={clusterLabels} />
        {result.recommendations.length === 0 && <p className="text-zinc-300">{emptyListMessage(mode)}</p>}
        <HiddenList hidden={view.hidden} />
      </section>
    </div>
  );
}
