/* Client-side helpers registered as Dash clientside callbacks (namespace "certdash"). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  certdash: {
    /* Check an attached file in the browser at once: size and real type (by its first bytes).
       The server checks again on submit; this only spares the user a useless upload. */
    checkUpload: function (contents, filename, messages) {
      var noUpdate = window.dash_clientside.no_update;
      if (!contents) { return ["", noUpdate]; }
      var comma = contents.indexOf(",");
      var b64 = contents.slice(comma + 1);
      var size = Math.floor(b64.length * 3 / 4) - (b64.endsWith("==") ? 2 : b64.endsWith("=") ? 1 : 0);
      if (size === 0) { return [messages.empty, null]; }
      if (size > 10 * 1024 * 1024) { return [messages.too_large, null]; }
      var head = atob(b64.slice(0, 16));
      var bytes = [];
      for (var i = 0; i < head.length; i++) { bytes.push(head.charCodeAt(i)); }
      var startsWith = function (sig) { return sig.every(function (b, k) { return bytes[k] === b; }); };
      var known = startsWith([0xff, 0xd8, 0xff]) || startsWith([0x89, 0x50, 0x4e, 0x47]) ||
        startsWith([0x47, 0x49, 0x46, 0x38]) || startsWith([0x25, 0x50, 0x44, 0x46, 0x2d]) ||
        startsWith([0x42, 0x4d]);
      if (!known) { return [messages.bad_type, null]; }
      var kb = Math.max(1, Math.round(size / 1024));
      return ["\u2713 " + filename + " (" + kb + " KB) " + messages.ok, noUpdate];
    },

    /* A field the server refused: move the cursor to it and bring it into view (the message is beside it). */
    focusInvalid: function (invalid, id) {
      if (!invalid) { return window.dash_clientside.no_update; }
      var field = document.getElementById(id);
      if (field) {
        field.focus();
        field.scrollIntoView({block: "center"});
      }
      return id;
    },

    /* A finished background export (the ledger): fetch the file at once, as a small export is,
       without a second click on the link the page also shows. */
    startDownload: function (result) {
      var noUpdate = window.dash_clientside.no_update;
      if (!result || typeof result.token !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(result.token)) {
        return noUpdate;
      }
      var link = document.createElement("a");
      link.href = "/files/ledger/" + result.token;
      link.rel = "noopener";
      document.body.appendChild(link);
      link.click();
      link.remove();
      return result.token;
    },

    /* Ask the card agent on this PC whether a card is ready (shown when the IC-card tab opens). */
    cardStatus: async function (activeTab, cfg) {
      if (activeTab !== "card") { return window.dash_clientside.no_update; }
      try {
        var response = await fetch(cfg.agent + "/status", {mode: "cors"});
        var body = await response.json();
        if (body.ok) { return cfg.messages.ready.replace("{card}", body.card_no); }
        return cfg.messages[body.code] || cfg.messages.card_error;
      } catch (e) {
        return cfg.messages.agent_unreachable;
      }
    },

    /* Administrators: read a card's number and public key through the card agent on this PC. */
    readCard: async function (clicks, cfg) {
      var noUpdate = window.dash_clientside.no_update;
      try {
        var body = await (await fetch(cfg.agent + "/public-key", {mode: "cors"})).json();
        if (body.ok) { return [body.card_no, body.public_key_pem, cfg.messages.ready.replace("{card}", body.card_no)]; }
        return [noUpdate, noUpdate, cfg.messages[body.code] || cfg.messages.card_error];
      } catch (e) {
        return [noUpdate, noUpdate, cfg.messages.agent_unreachable];
      }
    },

    /* The signing dialog: show the field of the way the signer confirms (password or IC card PIN). */
    signMethod: function (method) {
      return [method === "card", method !== "card"];
    },

    /* The signing dialog, with the IC card chosen: a one-time challenge from the server, signed on the card by
       the agent (after it verified the PIN) together with the text of the act, then handed to the page's
       confirm callback through the dialog's card store. The PIN goes to the agent on this PC only. */
    cardConfirm: async function (clicks, method, pin, pending, cfg) {
      var noUpdate = window.dash_clientside.no_update;
      if (!clicks || method !== "card" || !pending || typeof pending.what !== "string") {
        return [noUpdate, noUpdate, noUpdate];
      }
      var say = function (code, extra) {
        var text = cfg.messages[code] || cfg.messages.card_error;
        return [noUpdate, text.replace("{n}", extra === undefined ? "" : extra), ""];
      };
      if (!/^[0-9]{4,8}$/.test(pin || "")) { return say("invalid_pin"); }
      var challenge;
      try {
        var response = await fetch("/auth/card/confirm-challenge", {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRF-Token": cfg.csrf}, body: "{}"});
        challenge = await response.json();
        if (!response.ok || typeof challenge.nonce !== "string") { return say("challenge_unknown"); }
      } catch (e) {
        return say("challenge_unknown");
      }
      var signed;
      try {
        signed = await (await fetch(cfg.agent + "/sign", {method: "POST", mode: "cors",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify({nonce: challenge.nonce, origin: window.location.origin, pin: pin,
                                what: pending.what})})).json();
      } catch (e) {
        return say("agent_unreachable");
      }
      if (!signed.ok) { return say(signed.code, signed.tries_left); }
      return [{nonce: challenge.nonce, card_no: signed.card_no, signature: signed.signature}, cfg.messages.working, ""];
    },

    /* IC-card sign-in: a one-time challenge from the server, signed on the card by the agent after
       it verified the PIN, then checked by the server against the key registered for the card. */
    cardSignIn: async function (clicks, pin, cfg) {
      var say = function (code, extra) {
        var text = cfg.messages[code] || cfg.messages.card_error;
        return text.replace("{n}", extra === undefined ? "" : extra);
      };
      var post = function (url, body) {
        return fetch(url, {method: "POST", credentials: "same-origin",
          headers: {"Content-Type": "application/json", "X-CSRF-Token": cfg.csrf}, body: JSON.stringify(body)});
      };
      var challenge;
      try {
        challenge = await (await post("/auth/card/challenge", {})).json();
      } catch (e) {
        return say("challenge_unknown");
      }
      var signed;
      try {
        var agentResponse = await fetch(cfg.agent + "/sign", {method: "POST", mode: "cors",
          headers: {"Content-Type": "application/json"},
          body: JSON.stringify({nonce: challenge.nonce, origin: window.location.origin, pin: pin || ""})});
        signed = await agentResponse.json();
      } catch (e) {
        return say("agent_unreachable");
      }
      if (!signed.ok) { return say(signed.code, signed.tries_left); }
      var result;
      try {
        result = await (await post("/auth/card/login", {nonce: challenge.nonce, card_no: signed.card_no,
          signature: signed.signature, next: cfg.next})).json();
      } catch (e) {
        return say("bad_request");
      }
      if (result.ok) {
        window.location.assign(result.next || "/");
        return say("working");
      }
      return say(result.code);
    }
  }
});

/* Choosing the same file again (a corrected workbook saved under the same name) must upload it again:
   the browser fires no change when a file input's value stays the same, so every file input of the
   page is emptied once its files were taken (the upload component has read them by then). */
document.addEventListener("change", function (event) {
  var input = event.target;
  if (input && input.tagName === "INPUT" && input.type === "file") {
    setTimeout(function () { input.value = ""; }, 0);
  }
}, true);

/* The date pickers name months and weekdays through date-fns, which reads its locales from
   window.dateFns.locale. Only the page's own language (its <html lang>, the user's) is registered, built
   from the browser's Intl data, so every picker speaks it whatever the browser's language. The
   pickers show and read numeric dates (YYYY-MM-DD): nothing here parses month names. */
(function () {
  var lang = document.documentElement.lang || "zh-CN";
  var base = lang.split("-")[0];
  var names = function (options, dates) {
    var format = new Intl.DateTimeFormat(lang, Object.assign({timeZone: "UTC"}, options));
    return dates.map(function (d) { return format.format(d); });
  };
  var monthDates = [], dayDates = [];
  for (var m = 0; m < 12; m++) { monthDates.push(new Date(Date.UTC(2024, m, 1))); }
  for (var d = 0; d < 7; d++) { dayDates.push(new Date(Date.UTC(2024, 0, 7 + d))); }  /* 7 Jan 2024: a Sunday */
  var months = {wide: names({month: "long"}, monthDates), abbreviated: names({month: "short"}, monthDates),
    narrow: names({month: "narrow"}, monthDates)};
  var days = {wide: names({weekday: "long"}, dayDates), abbreviated: names({weekday: "short"}, dayDates),
    narrow: names({weekday: "narrow"}, dayDates)};
  /* the calendar's column heads: 日 一 二 … in Chinese, Japanese and Korean; Su Mo Tu … in English */
  days.short = ["zh", "ja", "ko"].indexOf(base) >= 0 ? days.narrow :
    base === "en" ? days.abbreviated.map(function (s) { return s.slice(0, 2); }) : days.abbreviated;
  var width = function (table) {
    return function (index, options) { return (table[(options && options.width) || "wide"] || table.wide)[index]; };
  };
  var locale = {
    code: lang,
    localize: {
      ordinalNumber: function (n) { return String(n); },
      era: function (index) { return index ? "AD" : "BC"; },
      quarter: function (q) { return "Q" + q; },
      month: width(months),
      day: width(days),
      dayPeriod: function (period) { return period; }
    },
    formatLong: {
      date: function () { return "yyyy-MM-dd"; },
      time: function () { return "HH:mm"; },
      dateTime: function () { return "{{date}} {{time}}"; }
    },
    formatDistance: function (token, count) { return String(count); },
    formatRelative: function () { return "yyyy-MM-dd"; },
    match: {},
    options: {weekStartsOn: base === "en" ? 0 : 1, firstWeekContainsDate: 4}
  };
  window.dateFns = window.dateFns || {};
  window.dateFns.locale = {};
  window.dateFns.locale[lang.replace("-", "")] = locale;
})();

/* A link in a grid cell opens with Enter, as every link does: the grid would take Enter for its own
   (moving between cells, which our read-only lists do not use) and the link would not open. */
document.addEventListener("keydown", function (event) {
  var target = event.target;
  if (event.key === "Enter" && target && target.tagName === "A" && target.closest(".ag-cell")) {
    event.stopPropagation();
  }
}, true);
