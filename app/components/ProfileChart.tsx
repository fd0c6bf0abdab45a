/** Scales every feature to 0..1 for drawing: most already are; tempo is BPM. */
function unitValue(feature: string, value: number): number {
  const v = feature === "tempo" ? (value - 50) / 150 : value;
  return Math.min(1, Math.max(0, v));
}

const SIZE = 320;
const CENTER = SIZE / 2;
const RADIUS = 110;
const CLUSTER_COLOR = "#1db954";
const USER_COLOR = "#f472b6";
const USER_DASH = "5 3";

function point(index: number, count: number, r: number): [number, number] {
  const angle = (Math.PI * 2 * index) / count - Math.PI / 2;
  return [CENTER + Math.cos(angle) * r, CENTER + Math.sin(angle) * r];
}

function polygon(features: string[], profile: Record<string, number>): string {
  return features
    .map((f, i) => point(i, features.length, unitValue(f, profile[f]) * RADIUS).map((n) => n.toFixed(1)).join(","))
    .join(" ");
}

/** A legend swatch drawn like its mark: a solid outline over a light fill, or a dashed line. */
function LineSwatch({ color, dash, fill }: { color: string; dash?: string; fill?: boolean }) {
  return (
    <svg width="28" height="12" viewBox="0 0 28 12" className="mr-1.5 inline-block align-middle" aria-hidden="true">
      {fill && <rect x="1" y="1" width="26" height="10" fill={color} fillOpacity={0.25} />}
      <line x1="1" y1={fill ? 1 : 6} x2="27" y2={fill ? 1 : 6} stroke={color} strokeWidth="2" strokeDasharray={dash} />
    </svg>
  );
}

/** A radar chart of the cluster's audio profile against the user's own, rendered on the server as SVG. */
export function ProfileChart({
  features,
  cluster,
  user,
  clusterLabel,
}: {
  features: string[];
  cluster: Record<string, number>;
  user: Record<string, number>;
  clusterLabel: string;
}) {
  return (
    <figure className="flex flex-col items-center">
      <svg
        viewBox={`-48 0 ${SIZE + 96} ${SIZE}`}
        className="w-full max-w-sm"
        role="img"
        aria-label={`Audio profile of the cluster ${clusterLabel} compared with your liked songs in it`}
      >
        {[0.25, 0.5, 0.75, 1].map((ring) => (
          <polygon
            key={ring}
            points={features.map((_, i) => point(i, features.length, ring * RADIUS).join(",")).join(" ")}
            fill="none"
            stroke="#52525b"
            strokeWidth={1}
          />
        ))}
        {features.map((feature, i) => {
          const [x, y] = point(i, features.length, RADIUS);
          const [lx, ly] = point(i, features.length, RADIUS + 26);
          return (
            <g key={feature}>
              <line x1={CENTER} y1={CENTER} x2={x} y2={y} stroke="#52525b" />
              {/* 14 user units: still about 11 px when the chart is phone-narrow. */}
              <text x={lx} y={ly} fill="#d4d4d8" fontSize={14} textAnchor="middle" dominantBaseline="middle">
                {feature}
              </text>
            </g>
          );
        })}
        <polygon points={polygon(features, cluster)} fill={CLUSTER_COLOR} fillOpacity={0.25} stroke={CLUSTER_COLOR} strokeWidth={2.5} />
        <polygon points={polygon(features, user)} fill="none" stroke={USER_COLOR} strokeWidth={2.5} strokeDasharray={USER_DASH} />
      </svg>
      <figcaption className="mt-2 flex flex-wrap justify-center gap-x-4 gap-y-1 text-sm text-zinc-300" data-testid="profile-legend">
        <span><LineSwatch color={CLUSTER_COLOR} fill />cluster average</span>
        <span><LineSwatch color={USER_COLOR} dash={USER_DASH} />your liked songs in it</span>
      </figcaption>
    </figure>
  );
}
