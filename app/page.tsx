import { redirect } from "next/navigation";
import { SignInButton } from "@/app/components/SignInButton";
import { currentUser } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function Home() {
  if (await currentUser()) redirect("/recommendations");
  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center gap-8 px-4 sm:px-6">
      <h1 className="text-4xl font-bold tracking-tight sm:text-5xl">Taste Clusters</h1>
      <p className="text-lg text-zinc-300">
        We group songs by how they sound — energy, danceability, mood, acousticness — find the group most of your
        liked songs fall in, and recommend the songs in it that sit closest to your taste.
      </p>
      <div>
        <SignInButton />
      </div>
      <p className="text-sm text-zinc-400">
        We ask Spotify for two permissions only: to read your liked songs, and to create a private playlist when you
        ask for one.
      </p>
    </main>
  );
}
