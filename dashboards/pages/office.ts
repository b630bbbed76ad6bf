// 司法所 /office/:code — the office's profile (tier, plaques, 智慧司法所, terminals, the
// director's qualifications: flags only, never a name or ID number), its indicators against
// the county and the city, staffing by post, cases per month, training per person.
import { dataTable, keyFigures, section, yesNo } from '../components.ts';
import { formatNumber } from '../format.ts';
import { html } from '../html.ts';
import { zh } from '../i18n/zh.ts';
import { zhDisplay } from '../i18n/zh-display.ts';
import { indicatorTable } from '../indicator-views.ts';
import { NotFound, countyName, figure, pageHref, type Page, type PageContext } from '../page.ts';
import { casesMonthly, indicatorValues, officeProfiles, planCategories, staffing, trainingPeople } from '../queries/marts.ts';
import { monthlySpec, staffingSpec, trainingSpec } from '../work-charts.ts';

export const officePage: Page = {
  id: 'office',
  path: '/office/:code',
  async render(ctx: PageContext, params) {
    const code = params.code ?? '';
    const year = ctx.filters.year;
    const scope = ctx.scope.countyCode;
    const [profile] = await officeProfiles(ctx.db, { period: year, county: scope, officeCode: code });
    if (!profile) throw new NotFound();
    const filter = { period: year, county: profile.county_code, officeCode: code };
    const [own, countyRows, cityRows, staff, monthly, lines, plaques, people] = await Promise.all([
      indicatorValues(ctx.db, { period: year, grain: 'office', unitCode: code, county: profile.county_code }),
      indicatorValues(ctx.db, { period: year, grain: 'county', unitCode: profile.county_code, county: profile.county_code }),
      indicatorValues(ctx.db, { period: year, grain: 'city', county: null }),
      staffing(ctx.db, filter),
      casesMonthly(ctx.db, filter),
      planCategories(ctx.db, 'business_line'),
      planCategories(ctx.db, 'plaque'),
      trainingPeople(ctx.db, filter),
    ]);
    const county = profile.county_name ?? countyName(ctx, profile.county_code);
    const f = zh.office.fields;
    const field = (label: string, value: string) => html`<div><dt>${label}</dt><dd>${value}</dd></div>`;
    const otherPlaques = (profile.plaques ?? []).filter((p) => !profile.recognised_plaques.includes(p));

    const profileHtml = html`
      <dl class="profile">
        ${field(f.county, county)}
        ${field(f.township, profile.township ?? zh.yesNo.unknown)}
        ${field(f.tier, zh.tier[profile.tier] ?? profile.tier)}
        <div><dt>${f.cluster}</dt><dd>${profile.cluster_code ? html`<a href="${pageHref(`/cluster/${profile.cluster_code}`, { year })}">${profile.cluster_name ?? profile.cluster_code}</a>` : zh.county.unclustered}</dd></div>
        ${field(f.smartOffice, yesNo(profile.smart_office))}
        ${field(f.terminals, zh.office.terminalsValue(profile.terminals))}
        ${field(f.villages, zh.office.villagesValue(profile.large_villages_with_terminal, profile.large_villages))}
        ${field(f.activeStaff, zh.office.peopleValue(profile.active_staff))}
        ${field(f.publicLawyers, zh.office.peopleValue(profile.public_lawyers))}
        ${field(f.legalQualified, zh.office.peopleValue(profile.legal_qualified_staff))}
        ${field(f.postsHeld, zh.office.postsValue(profile.plan_posts_held))}
      </dl>
      <h3>${zh.office.plaques}</h3>
      <ul class="plaques">${plaques.map((p) => {
        const has = profile.recognised_plaques.includes(p);
        return html`<li class="plaque ${has ? 'has' : 'missing'}"><span aria-hidden="true">${has ? '✔' : '○'}</span> ${p}<span class="visually-hidden">：${has ? zh.yesNo.yes : zh.yesNo.no}</span></li>`;
      })}</ul>
      ${otherPlaques.length > 0 ? html`<p class="panel-intro">${zh.office.otherPlaques}：${otherPlaques.join('、')}</p>` : ''}`;

    const directorHtml = profile.has_director
      ? html`<dl class="profile">
          ${field(f.staffingType, profile.director_staffing_type ?? zh.yesNo.unknown)}
          ${field(f.legalBackground, yesNo(profile.director_legal_background))}
          ${field(f.legalQualification, yesNo(profile.director_legal_qualification))}
          ${field(f.enforcementCertificate, yesNo(profile.director_enforcement_certificate))}
          ${field(f.publicLawyer, yesNo(profile.director_public_lawyer))}
          ${field(f.jointMeeting, yesNo(profile.director_attends_joint_meeting))}
          ${field(f.governanceMeeting, yesNo(profile.director_attends_governance_meeting))}
          ${field(f.leadership, yesNo(profile.director_in_leadership))}
        </dl>`
      : html`<p class="scope-note">${zh.office.noDirector}</p>
        <dl class="profile">
          ${field(f.jointMeeting, yesNo(profile.director_attends_joint_meeting))}
          ${field(f.governanceMeeting, yesNo(profile.director_attends_governance_meeting))}
          ${field(f.leadership, yesNo(profile.director_in_leadership))}
        </dl>`;

    const staffingChart = staffingSpec(staff);
    const monthlyChart = monthlySpec(monthly, lines, profile.office_name, year);
    const trainingChart = trainingSpec(people, new Map([[code, profile.office_name]]));
    const byDimension = (dimension: 'role' | 'staffing_type') =>
      dataTable({
        id: `staff-${dimension}`,
        caption: zh.staffing.dimension[dimension] ?? '',
        columns: [{ label: zh.staffing.category }, { label: zh.staffing.staff, numeric: true }, { label: zh.staffing.qualified, numeric: true }],
        rows: staff.filter((r) => r.dimension === dimension).map((r) => ({ cells: [r.category, formatNumber(r.staff_count), formatNumber(r.legal_qualified_count)] })),
      });

    const body = html`
      <p class="lead">${zh.office.heading(profile.office_name, year)}</p>
      <section class="panel" aria-label="${zh.office.profile}">${keyFigures([
        { label: f.tier, value: zh.tier[profile.tier] ?? profile.tier },
        { label: f.activeStaff, value: formatNumber(profile.active_staff), unit: zh.units.people },
        { label: f.terminals, value: formatNumber(profile.terminals), unit: zh.units.terminals },
      ])}</section>
      <div class="grid-2">
        ${section('profile', zh.office.profile, profileHtml)}
        ${section('director', zh.office.director, directorHtml)}
      </div>
      ${section(
        'indicators',
        zh.county.indicatorTable,
        indicatorTable({
          id: 'office-indicators',
          caption: zhDisplay.indicatorCaption.office(county),
          catalog: ctx.catalog,
          rows: own,
          comparisons: [
            { label: county, rows: countyRows },
            { label: zh.indicators.cityValue, rows: cityRows },
          ],
        }),
      )}
      <div class="grid-2">
        <section class="panel">${figure(ctx, staffingChart, { headingLevel: 2 })}</section>
        <section class="panel" aria-labelledby="roles-heading"><h2 id="roles-heading">${zh.staffing.byRole}</h2>${byDimension('role')}<h3>${zh.staffing.byType}</h3>${byDimension('staffing_type')}</section>
      </div>
      <section class="panel">${figure(ctx, monthlyChart, { headingLevel: 2 })}</section>
      <section class="panel">${figure(ctx, trainingChart, { headingLevel: 2 })}</section>
    `;
    return {
      title: profile.office_name,
      breadcrumbs: [
        { label: zh.nav.overview, href: pageHref('/', { year }) },
        { label: county, href: pageHref(`/county/${profile.county_code}`, { year }) },
        ...(profile.cluster_code && profile.cluster_code !== code ? [{ label: profile.cluster_name ?? profile.cluster_code, href: pageHref(`/cluster/${profile.cluster_code}`, { year }) }] : []),
        { label: profile.office_name },
      ],
      nav: null,
      countyFilter: false,
      body,
      charts: [staffingChart, monthlyChart, trainingChart],
    };
  },
};
