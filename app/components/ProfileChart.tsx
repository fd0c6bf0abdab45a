/** Scales every feature to 0..1 for drawing: most already are; tempo is BPM. */
function unitValue(feature: string, value: number): number {
  const v = feature === "tempo" ? (value - 50) / 150 : value;
  return Math.min(1, Math.max(0, v));
}

const SIZE = 320;
const CENTER = SIZE / 2;
const RADIUS = 110;

function point(index: number, count: number, r: number): [number, number] {
  const angle = (Math.PI * 2 * index) / count - Math.PI / 2;
  return [CENTER + Math.cos(angle) * r, CENTER + Math.sin(angle) * r];
}

function polygon(features: string[], profile: Record<string, number>): string {
  return features
    .map((f, i) => point(i, features.length, unitValue(f, profile[f]) * RADIUS).map((n) => n.toFixed(1)).join(","))
    .join(" ");
}

/** A radar chart of the cluster's audio profile against the user's own, rendered on the server as SVG. */
export function ProfileChart({
  features,
  cluster,
  user,
}: {
  features: string[];
  cluster: Record<string, number>;
  user: Record<string, number>;
}) {
  return (
    <figure className="flex flex-col items-center">
      <svg
        viewBox={`-40 0 ${SIZE + 80} ${SIZE}`}
        className="w-full max-w-sm"
        role="img"
        aria-label="Audio profile of the cluster compared with your liked songs"
      >
        {[0.25, 0.5, 0.75, 1].map((ring) => (
          <polygon
            key={ring}
            points={features.map((_, i) => point(i, features.length, ring * RADIUS).join(",")).join(" ")}
            fill="none"
            stroke="#3f3f46"
            strokeWidth={1}
          />
        ))}
        {features.map((feature, i) => {
          const [x, y] = point(i, features.length, RADIUS);
          const [lx, ly] = point(i, features.length, RADIUS + 24);
          return (
            <g key={feature}>
              <line x1={CENTER} y1={CENTER} x2={x} y2={y} stroke="#3f3f46" />
              <text x={lx} y={ly} fill="#a1a1aa" fontSize={11} textAnchor="middle" dominantBaseline="middle">
                {feature}
              </text>
            </g>
          );
        })}
        <polygon points={polygon(features, cluster)} fill="#1db954" fillOpacity={0.25} stroke="#1db954" strokeWidth={2} />
        <polygon points={polygon(features, user)} fill="#f472b6" fillOpacity={0.15} stroke="#f472b6" strokeWidth={2} strokeDasharray="5 3" />
      </svg>
      <figcaption className="mt-2 flex gap-4 text-sm text-zinc-400">
        <span><span className="mr-1 inline-block h-2 w-4 bg-brand align-middle" />cluster average</span>
        <span><span className="mr-1 inline-block h-2 w-4 bg-pink-400 align-middle" />your liked songs in it</span>
      </figcaption>
    </figure>
  );
}
