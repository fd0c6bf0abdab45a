import { AppHeader } from "@/app/components/AppHeader";
import { SignInButton } from "@/app/components/SignInButton";
import { currentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

/** Where "Sign out" lands: it confirms the sign-out, and says what signing out does and does not do. */
export default async function SignOut() {
  const user = await currentUser();
  return (
    <div className="mx-auto max-w-xl px-4 py-8 sm:px-6">
      <AppHeader userName={user?.name} />
      <main className="flex flex-col gap-6 py-12">
        {user ? (
          <>
            <h1 className="text-3xl font-bold">Sign out?</h1>
            <p className="text-zinc-300">You are signed in as {user.name}: “Sign out” at the top ends it.</p>
          </>
        ) : (
          <>
            <h1 className="text-3xl font-bold" data-testid="signed-out">You are signed out</h1>
            <div>
              <SignInButton />
            </div>
          </>
        )}
        <section className="space-y-2 text-sm text-zinc-300">
          <h2 className="font-semibold text-zinc-100">What signing out does</h2>
          <p>
            It ends your session in this browser. The app keeps its copy of your liked songs, the playlists you saved
            and your encrypted Spotify sign-in, so that your next visit is quick. To take back its access to your Spotify account altogether, remove Taste Clusters
            from the apps on your Spotify account page.
          </p>
        </section>
      </main>
    </div>
  );
}
