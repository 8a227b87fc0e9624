# gen.awk - a generated caseload with known answers for psw-report due.
#
#   awk -v dir=DIR -v today=YYYY-MM-DD -f gen.awk
#
# writes DIR/clients/*.yaml and DIR/psw.yaml, and on stdout every item
# psw-report due must list for an unbounded window, worked out here from
# the rules of psw-report(1), not from the program:
#
#   KEY<TAB>client<TAB>kind<TAB>item<TAB>due<TAB>days<TAB>priority<TAB>
#   worker<TAB>risk
#
# KEY sorts (LC_ALL=C) in the order the items must come: risk-flagged
# clients first, overdue before due, then by date, client, kind, item.
# A caller keeps the rows with days <= the window (or < 0 for
# --overdue-only) and sorts on KEY.
#
# For each offset o from -15 to 15 days around today (D = today + o) there
# are six clients, one per variant:
#   ga  active                  gr  referred (no contact or assessment
#   gc  closed (nothing due)        items: those are for active clients)
#   gs  active with a high risk flag on a PHQ-9 done on D and no safety plan
#   gl, gm  active with a low or moderate risk flag (C-SSRS screen) on
#       D - 50 and a safety plan reviewed the day after
# each with: an open action due D and one due D+1, a done action due D, an
# achieved goal with an open action due D, an active goal with target D, a
# plan review due D, an open referral r1 (urgent when o is a multiple of 3)
# with follow-up D, a completed referral r2 with follow-up D, an open
# referral r3 without follow-up whose last event was on D, consent k1
# expiring on D (no referral), k2 (r1 depends on it), k3 (revoked) and k4
# (only the completed r2 depends on it), a last contact on D - 14 (the
# default no-contact-days), and but for gs a PHQ-9 on D - 28 (the
# schedule says every 4 weeks) and a voided one on D - 1.

function days(s,    y, m, d, era, yoe, doy, doe) {
	y = substr(s, 1, 4) + 0; m = substr(s, 6, 2) + 0; d = substr(s, 9, 2) + 0
	if (m <= 2) y--
	era = int((y >= 0 ? y : y - 399) / 400)
	yoe = y - era * 400
	doy = int((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1
	doe = yoe * 365 + int(yoe / 4) - int(yoe / 100) + doy
	return era * 146097 + doe - 719468
}

function date(z,    era, doe, yoe, y, doy, mp, d, m) {
	z += 719468
	era = int((z >= 0 ? z : z - 146096) / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp + (mp < 10 ? 3 : -9)
	return sprintf("%04d-%02d-%02d", y + (m <= 2), m, d)
}

# One expected item: e the offset of its due day from today.
function item(client, kind, id, e, urgent, risk, worker,    k, prio, key) {
	k = kindno[kind]
	if (e < 0 || urgent || kind == "safety" || risk >= 2)
		prio = "high"
	else if (e <= 1)
		prio = "medium"
	else
		prio = "low"
	key = sprintf("%d %d %s %s %d %s", 3 - risk, e < 0 ? 0 : 1,
	    date(t + e), client, k, id)
	printf "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", key, client, kind, id,
	    date(t + e), e, prio, worker, level[risk]
}

BEGIN {
	split("action goal review referral consent contact assessment safety",
	    kn, " ")
	for (i = 1; i <= 8; i++)
		kindno[kn[i]] = i
	t = days(today)
	printf "assessments: {phq-9: 4w}\n" >(dir "/psw.yaml")
	level[0] = ""; level[1] = "low"; level[2] = "moderate"; level[3] = "high"
	nv = split("ga gr gc gs gl gm", var, " ")
	for (o = -15; o <= 15; o++) {
		for (v = 1; v <= nv; v++) {
			V = var[v]
			c = sprintf("%s-%s%02d", V, o < 0 ? "m" : "p", o < 0 ? -o : o)
			f = dir "/clients/" c ".yaml"
			D = date(t + o)
			st = V == "gr" ? "referred" : V == "gc" ? "closed" : "active"
			w = o % 2 == 0 ? "sam" : "kim"
			urgent = o % 3 == 0
			risk = V == "gs" ? 3 : V == "gm" ? 2 : V == "gl" ? 1 : 0
			print "psw: 1" >f
			print "id: " c >f
			print "name: Generated " c >f
			print "status: " st >f
			print "opened: 2025-01-01" >f
			if (st == "closed")
				print "closed: 2025-06-01" >f
			print "worker: " w >f
			print "consent:" >f
			print "  - {id: k1, scope: a, given: 2025-01-01, expires: " D "}" >f
			print "  - {id: k2, scope: b, given: 2025-01-01, expires: " D "}" >f
			print "  - {id: k3, scope: c, given: 2025-01-01, expires: " D ", revoked: 2025-02-01}" >f
			print "  - {id: k4, scope: d, given: 2025-01-01, expires: " D "}" >f
			print "goals:" >f
			print "  - {id: g1, domain: housing, title: G, target: " D ", status: active, actions: [" >f
			print "      {id: g1.1, title: open, due: " D "}," >f
			print "      {id: g1.2, title: done, due: " D ", done: " date(t + o - 20) "}," >f
			print "      {id: g1.3, title: next day, due: " date(t + o + 1) "}]}" >f
			print "  - {id: g2, domain: money, title: H, target: " D ", status: achieved, actions: [" >f
			print "      {id: g2.1, title: left open, due: " D "}]}" >f
			print "review: {every: 90d, next: " D "}" >f
			print "referrals:" >f
			print "  - {id: r1, service: s1, consent: k2" (urgent ? ", urgency: urgent" : "") ", follow-up: " D ", history: [{date: " date(t + o - 30) ", status: requested}]}" >f
			print "  - {id: r2, service: s2, consent: k4, follow-up: " D ", history: [{date: " date(t + o - 30) ", status: requested}, {date: " date(t + o - 20) ", status: completed}]}" >f
			print "  - {id: r3, service: s3, history: [{date: " date(t + o - 40) ", status: requested}, {date: " D ", status: accepted}]}" >f
			print "assessments:" >f
			if (V == "gs")
				print "  - {id: a1, instrument: phq-9, date: " D ", answers: [0, 0, 0, 0, 0, 0, 0, 0, 1]}" >f
			else {
				print "  - {id: a1, instrument: phq-9, date: " date(t + o - 28) ", answers: [0, 0, 0, 0, 0, 0, 0, 0, 0]}" >f
				print "  - {id: a2, instrument: phq-9, date: " date(t + o - 1) ", answers: [0, 0, 0, 0, 0, 0, 0, 0, 0], voided: " date(t + o - 1) "}" >f
			}
			if (V == "gl" || V == "gm") {
				printf "  - {id: a3, instrument: cssrs-screen, date: %s, answers: [%d, 0, %d, 0, 0, 0, 0]}\n", date(t + o - 50), V == "gl", V == "gm" >f
				print "safety-plan: {warning-signs: [w], reviewed: " date(t + o - 49) "}" >f
			}
			print "contacts:" >f
			print "  - {date: " date(t + o - 14) ", kind: phone, minutes: 5}" >f
			close(f)
			if (st == "closed")
				continue
			item(c, "action", "g1.1", o, 0, risk, w)
			item(c, "action", "g1.3", o + 1, 0, risk, w)
			item(c, "goal", "g1", o, 0, risk, w)
			item(c, "review", "", o, 0, risk, w)
			item(c, "referral", "r1", o, urgent, risk, w)
			item(c, "referral", "r3", o, 0, risk, w)
			if (o >= 0)
				item(c, "consent", "k1", o, 0, risk, w)
			item(c, "consent", "k2", o, 0, risk, w)
			if (o >= 0)
				item(c, "consent", "k4", o, 0, risk, w)
			if (st != "active")
				continue
			item(c, "contact", "", o, 0, risk, w)
			if (V == "gs") {
				item(c, "assessment", "phq-9", o + 28, 0, risk, w)
				item(c, "safety", "a1", o, 0, risk, w)
			} else
				item(c, "assessment", "phq-9", o, 0, risk, w)
		}
	}
}
