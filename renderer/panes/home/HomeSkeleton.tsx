/** Placeholder blocks while the first probe of the machine runs. */
export function HomeSkeleton() {
  return (
    <div className="skeleton-stack" aria-busy="true" aria-label="Loading this machine's resources" data-testid="home-skeleton">
      {[5, 3, 4, 2].map((lines, card) => (
        <div className="card skeleton-card" key={card}>
          <div className="skeleton skeleton-title" />
          {Array.from({ length: lines }, (_, line) => (
            <div className="skeleton skeleton-line" key={line} style={{ width: `${55 + ((line * 17 + card * 11) % 40)}%` }} />
          ))}
        </div>
      ))}
    </div>
  );
}
