import NextAuth from "next-auth";
import { answerCancelledSignIn } from "@/lib/auth/cancelled";
import { authOptions } from "@/lib/auth/options";

function handler(request: Request, context: { params: Promise<{ nextauth: string[] }> }) {
  return answerCancelledSignIn(request) ?? NextAuth(authOptions())(request, context);
}

export { handler as GET, handler as POST };
