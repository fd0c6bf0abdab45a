import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "Taste Clusters",
  description: "Song recommendations from the cluster your Spotify liked songs fall in.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
