import type { ReactNode } from "react";

export const metadata = { title: "A partner's order form" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
