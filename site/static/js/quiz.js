// Quiz attempts: save answers as the trainee goes, and show the clock.
// Progressive enhancement: without this file the form still saves and
// submits as a whole, and the page says when the time runs out.
(function () {
  "use strict";

  var form = document.getElementById("quiz-form");
  if (!form || !window.fetch || !window.JSON) {
    return;
  }
  var url = form.getAttribute("data-autosave-url");
  var statusBox = form.querySelector("[data-save-status]");
  var tokenInput = form.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = tokenInput ? tokenInput.value : "";
  var storageKey = "coach-quiz-pending:" + url;
  var pending = {};
  var timer = null;
  var inFlight = false;
  var submitting = false;
  var retryDelay = 250;

  function message(name) {
    return form.getAttribute("data-msg-" + name) || "";
  }

  function show(text) {
    if (statusBox && statusBox.textContent !== text) {
      statusBox.textContent = text;
    }
  }

  // Answers not yet acknowledged by the server survive a refresh here, so a
  // lost connection loses nothing.
  function remember() {
    try {
      if (Object.keys(pending).length) {
        window.sessionStorage.setItem(storageKey, JSON.stringify(pending));
      } else {
        window.sessionStorage.removeItem(storageKey);
      }
    } catch (error) {
      // Private browsing may refuse storage; saving still works online.
    }
  }

  function recall() {
    try {
      return JSON.parse(window.sessionStorage.getItem(storageKey) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function questions() {
    return Array.prototype.slice.call(form.querySelectorAll("fieldset[data-question-id]"));
  }

  function checked(fieldset) {
    return Array.prototype.slice.call(fieldset.querySelectorAll("input:checked"));
  }

  // The answer in the shape the server stores; undefined when it is not
  // complete enough to send (an ordering with gaps or repeats).
  function valueOf(fieldset) {
    var chosen;
    switch (fieldset.getAttribute("data-question-type")) {
      case "single_choice":
        chosen = checked(fieldset);
        return chosen.length ? chosen[0].value : null;
      case "multiple_choice":
        chosen = checked(fieldset).map(function (input) { return input.value; });
        return chosen.length ? chosen : null;
      case "true_false":
        chosen = checked(fieldset);
        return chosen.length ? chosen[0].value === "true" : null;
      case "short_text":
      case "reflection":
        chosen = fieldset.querySelector("input[type=text], textarea").value;
        return chosen.trim() ? chosen : null;
      case "ordering":
        return orderingValue(fieldset);
      default:
        return undefined;
    }
  }

  function orderingValue(fieldset) {
    var selects = Array.prototype.slice.call(fieldset.querySelectorAll("select[data-ordering-item]"));
    var positions = selects.map(function (select) { return select.value; });
    if (positions.every(function (p) { return p === ""; })) {
      return null;
    }
    var seen = {};
    for (var i = 0; i < positions.length; i += 1) {
      if (positions[i] === "" || seen[positions[i]]) {
        return undefined;
      }
      seen[positions[i]] = true;
    }
    return selects
      .slice()
      .sort(function (a, b) { return Number(a.value) - Number(b.value); })
      .map(function (select) { return select.getAttribute("data-ordering-item"); });
  }

  function setValue(fieldset, value) {
    var type = fieldset.getAttribute("data-question-type");
    if (type === "short_text" || type === "reflection") {
      fieldset.querySelector("input[type=text], textarea").value = value || "";
    } else if (type === "ordering") {
      var order = value || [];
      fieldset.querySelectorAll("select[data-ordering-item]").forEach(function (select) {
        var index = order.indexOf(select.getAttribute("data-ordering-item"));
        select.value = index < 0 ? "" : String(index + 1);
      });
    } else {
      var wanted = [].concat(value === null ? [] : value).map(String);
      fieldset.querySelectorAll("input").forEach(function (input) {
        input.checked = wanted.indexOf(input.value) >= 0;
      });
    }
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(flush, delay);
  }

  function queue(fieldset) {
    var value = valueOf(fieldset);
    if (value === undefined) {
      return;
    }
    pending[fieldset.getAttribute("data-question-id")] = value;
    remember();
    if (retryDelay === 250) {
      show(message("saving"));
    }
    var type = fieldset.getAttribute("data-question-type");
    schedule(type === "short_text" || type === "reflection" ? 1200 : 250);
  }

  function flush() {
    if (inFlight || submitting || !Object.keys(pending).length) {
      return;
    }
    inFlight = true;
    var sending = pending;
    pending = {};
    if (retryDelay === 250) {
      // While the connection is down, the "not saved yet" message stays.
      show(message("saving"));
    }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": csrf,
      },
      body: JSON.stringify({ answers: sending }),
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok) {
            retryDelay = 250;
            // "Saved" only when nothing typed since is waiting to be sent.
            show(Object.keys(pending).length ? message("saving") : message("saved"));
          } else if (response.status === 409 && data.result_url) {
            pending = {};
            remember();
            window.location.assign(data.result_url);
          } else if (response.status === 400 || response.status === 413) {
            show(data.error || message("error"));
          } else {
            throw new Error("not saved");
          }
          remember();
        });
      })
      .catch(function () {
        // Keep what could not be sent; newer edits win over older ones.
        Object.keys(sending).forEach(function (id) {
          if (!(id in pending)) {
            pending[id] = sending[id];
          }
        });
        remember();
        show(message("offline"));
        retryDelay = 5000;
      })
      .then(function () {
        inFlight = false;
        if (Object.keys(pending).length) {
          schedule(retryDelay);
        }
      });
  }

  form.addEventListener("change", function (event) {
    var fieldset = event.target.closest("fieldset[data-question-id]");
    if (fieldset) {
      queue(fieldset);
    }
  });
  form.addEventListener("input", function (event) {
    var fieldset = event.target.closest("fieldset[data-question-id]");
    if (fieldset && event.target.matches("input[type=text], textarea")) {
      queue(fieldset);
    }
  });
  window.addEventListener("online", function () {
    retryDelay = 250;
    schedule(0);
  });

  form.addEventListener("submit", function (event) {
    if (submitting) {
      event.preventDefault();
      return;
    }
    submitting = true;
    window.clearTimeout(timer);
    // The whole form goes with this post; nothing is left pending.
    pending = {};
    remember();
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
  });

  // Restore answers a refresh or lost connection left unsent.
  var restored = recall();
  questions().forEach(function (fieldset) {
    var id = fieldset.getAttribute("data-question-id");
    if (Object.prototype.hasOwnProperty.call(restored, id)) {
      setValue(fieldset, restored[id]);
      pending[id] = restored[id];
    }
  });
  if (Object.keys(pending).length) {
    schedule(0);
  }

  // --- the clock ---------------------------------------------------------------
  var secondsAttr = form.getAttribute("data-seconds-left");
  var clock = form.querySelector("[data-quiz-timer]");
  if (secondsAttr === null || !clock) {
    return;
  }
  var value = clock.querySelector("[data-quiz-timer-value]");
  var announce = form.querySelector("[data-quiz-timer-announce]");
  // Count from the server's figure, not the device's clock, which may be wrong.
  var endsAt = Date.now() + Number(secondsAttr) * 1000;
  var announced = {};
  clock.hidden = false;

  function say(text) {
    if (announce) {
      announce.textContent = text;
    }
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    var minutes = Math.floor(left / 60);
    var seconds = left % 60;
    value.textContent = minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
    [300, 60].forEach(function (mark) {
      if (left <= mark && left > 0 && !announced[mark]) {
        announced[mark] = true;
        say(message(mark === 300 ? "five-minutes" : "one-minute"));
      }
    });
    if (left === 0) {
      clock.classList.add("quiz-timer--over");
      say(message("time-up"));
      show(message("time-up"));
      if (!submitting) {
        if (form.requestSubmit) {
          form.requestSubmit();
        } else {
          form.submit();
        }
      }
      return;
    }
    window.setTimeout(tick, 1000 - (Date.now() % 1000) || 1000);
  }
  tick();
})();
