import type { Metadata } from "next";
import { connection } from "next/server";
import "./globals.css";

export const metadata: Metadata = {
  title: "Taste Clusters",
  description: "Song recommendations from the cluster your Spotify liked songs fall in.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Render every page per request: the CSP nonce (proxy.ts) only reaches scripts rendered with the request.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
