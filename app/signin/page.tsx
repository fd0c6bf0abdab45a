import { AppHeader } from "@/app/components/AppHeader";
import { SignInButton } from "@/app/components/SignInButton";
import { WhatTheAppDoes } from "@/app/components/WhatTheAppDoes";

const MESSAGES: Record<string, { title: string; body: string }> = {
  NotAllowlisted: {
    title: "Spotify did not let this account in",
    body:
      "This app runs in Spotify's Development Mode, where only up to five Spotify accounts that the app's owner has " +
      "added in the Spotify Developer Dashboard can sign in. Ask the owner to add your account (User Management), then try again.",
  },
  SessionExpired: {
    title: "Please sign in again",
    body: "Your Spotify sign-in has expired or was revoked, so we signed you out. Sign in again to continue.",
  },
  Cancelled: {
    title: "You cancelled the sign-in",
    body: "You chose Cancel on Spotify's page, so the app has no access to your account and stored nothing. Sign in whenever you like.",
  },
  AccessDenied: { title: "Sign-in cancelled", body: "You did not give the app access to your Spotify account." },
  OAuthCallback: { title: "Sign-in did not complete", body: "Spotify's answer could not be used. Please try again." },
  SpotifyBusy: {
    title: "Spotify is busy right now",
    body: "Spotify kept asking us to wait while you were signing in. Nothing was saved: try again in a minute.",
  },
  SignInAgain: {
    title: "Please sign in again",
    body:
      "Spotify had a problem while finishing your sign-in, and that sign-in cannot be resumed. Nothing was saved: " +
      "sign in again to continue.",
  },
};

export default async function SignIn({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const message = error ? (MESSAGES[error] ?? { title: "Sign-in did not complete", body: "Please try again." }) : null;
  return (
    <div className="mx-auto max-w-xl px-4 py-8 sm:px-6">
      <AppHeader />
      <main className="flex flex-col gap-6 py-12">
        <h1 className="text-3xl font-bold">Sign in</h1>
        {message && (
          <div role="alert" data-testid="signin-message" className="rounded-lg border border-amber-600/60 bg-amber-950/40 p-4">
            <p className="font-semibold text-amber-200">{message.title}</p>
            <p className="mt-1 text-amber-100">{message.body}</p>
          </div>
        )}
        <div>
          <SignInButton />
        </div>
        <WhatTheAppDoes />
      </main>
    </div>
  );
}
