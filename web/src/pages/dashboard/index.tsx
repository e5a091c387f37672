import { useEffect, useState } from 'preact/hooks';
import { type Api, ApiError } from '../../api.ts';
import type { Session } from '../../auth.ts';
import { type Location, navigate } from '../../router.ts';
import { monthName } from './format.ts';
import type { Backlog, Relief, ReportTable, Trends } from './model.ts';
import { Headline, Now, TrendCharts } from './sections.tsx';
import { MonthTable } from './tables.tsx';

/** What the staff frame hands a page (its StaffPageProps, restated so the page does not import the frame). */
interface DashboardProps {
  session: Session;
  api: Api;
  location: Location;
  onExpired: () => void;
}

interface Data {
  relief: Relief;
  tables: ReportTable[];
  trends: Trends;
  backlog: Backlog | null;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Every call of one view at once, one place: the month's report, its tables, the trends, the backlog now. */
async function load(api: Api, month: string | null, withBacklog: boolean): Promise<Data> {
  const q = month ? `?month=${month}` : '';
  const [relief, tables, trends, backlog] = await Promise.all([
    api.request<Relief>('GET', `/reports/relief${q}`),
    api.request<{ tables: ReportTable[] }>('GET', `/reports/tables${q}`),
    api.request<Trends>('GET', `/reports/trends${q}`),
    withBacklog ? api.request<Backlog>('GET', '/reports/backlog') : Promise.resolve(null),
  ]);
  return { relief, tables: tables.tables, trends, backlog };
}

async function saveCsv(api: Api, path: string, fallbackName: string): Promise<void> {
  const { blob, filename } = await api.downloadFile(path);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename ?? fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The relief dashboard (`/dashboard?month=YYYY-MM`, the month in the URL so a view can be shared)
 * and its print view (`/dashboard/print?month=`): now, a month, trends against targets. The
 * figures are the report API's, for the signed-in role: the partner's side only for the partner.
 */
export function DashboardPage(props: DashboardProps) {
  const { api, session, location } = props;
  const print = location.path === '/dashboard/print';
  const asked = location.query.get('month');
  const month = asked && MONTH.test(asked) ? asked : null;
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    load(api, month, !print)
      .then((d) => live && setData(d))
      .catch((err) => {
        if (!live) return;
        if (err instanceof ApiError && err.status === 401) props.onExpired();
        else setError(err instanceof Error ? err.message : String(err));
      });
    return () => {
      live = false;
    };
  }, [api, month, print]);

  useEffect(() => {
    document.title = data ? `Dashboard, ${monthName(data.relief.month)}` : 'Dashboard';
  }, [data]);

  const shown = data?.relief.month ?? month;
  const download = (table: string) =>
    void saveCsv(
      api,
      `/reports/exports/${table}?month=${shown}`,
      `${session.tenant}-${shown}-${table}.csv`,
    ).catch((err) => setError(err instanceof Error ? err.message : String(err)));

  return (
    <div class={print ? 'dashboard print-view' : 'dashboard'}>
      <h1>{print ? `Relief report, ${shown ? monthName(shown) : ''}` : 'Dashboard'}</h1>
      {print ? (
        <p class="no-print">
          <a href={`/dashboard?month=${shown ?? ''}`}>Back to the dashboard</a>{' '}
          <button type="button" class="link" onClick={() => window.print()}>
            Print
          </button>
        </p>
      ) : (
        <div class="toolbar no-print">
          <label>
            Month
            <input
              type="month"
              value={shown ?? ''}
              onChange={(e) => {
                const v = (e.currentTarget as HTMLInputElement).value;
                if (MONTH.test(v)) navigate(`/dashboard?month=${v}`, { replace: true });
              }}
            />
          </label>
          {shown ? <a href={`/dashboard/print?month=${shown}`}>Print view of {monthName(shown)}</a> : null}
          {shown ? (
            <button type="button" class="link" onClick={() => download('tickets')}>
              Download the month’s tickets as CSV
            </button>
          ) : null}
        </div>
      )}
      {session.role === 'partner' ? <p class="note">You see the MSP partner’s side of the figures.</p> : null}
      {error ? (
        <p role="alert" class="notice">
          {error}
        </p>
      ) : null}
      {!data ? (
        error ? null : (
          <p>Loading…</p>
        )
      ) : (
        <>
          <Headline relief={data.relief} />
          {data.backlog ? <Now backlog={data.backlog} linked={session.role !== 'leadership'} /> : null}
          <section aria-labelledby="month" class="card">
            <h2 id="month">{monthName(data.relief.month)}</h2>
            {data.tables.map((t) => (
              <MonthTable key={t.id} table={t} {...(print ? {} : { onDownload: download })} />
            ))}
          </section>
          <TrendCharts
            trends={data.trends}
            print={print}
            {...(print ? {} : { onDownload: () => download('trends') })}
          />
        </>
      )}
    </div>
  );
}
