/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Peer driver for bench/run-cpu and bench-roundtrips --mode
 * register-no-verify: QXmpp 1.4 (libqxmpp-dev, C++/Qt 5), the
 * library of Kaidan.  run-cpu compiles it with g++ into a temporary
 * directory at bench time; it is never committed built.
 *
 *   qxmpp-driver --port N --ca-file F --username U --password-file P
 *                [--host H] [--domain D] [--timeout S] [--debug]
 *                [--mode register] [--transport starttls]
 *
 * Signs up one account without logging in, the way QXmpp's documentation of
 * QXmppRegistrationManager describes it ("Option A") and Kaidan does it:
 * a QXmppClient with a QXmppRegistrationManager whose register-on-connect is
 * on, connectToServer() with only the domain (and the host and port given);
 * after STARTTLS the manager interrupts the stream, requests the form and
 * emits registrationFormReceived(); the driver fills in username and
 * password (the data form's fields if the server sent one, otherwise the
 * legacy fields), setRegistrationFormToSend() and
 * sendCachedRegistrationForm(); registrationSucceeded() ends the run.
 *
 * TLS trust: QXmppConfiguration::setCaCertificates() with the certificates
 * of --ca-file (QXmpp adds them to the socket's CA list); ignoreSslErrors
 * stays false, so a certificate that does not verify fails the run.
 *
 * The password is read from --password-file (first line), never argv.
 * Prints one JSON line {"total_ms": X, ...}, X from just before
 * connectToServer().  Exits 0 on success, 1 on failure or timeout.
 */

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QSslCertificate>
#include <QTimer>

#include <QXmppClient.h>
#include <QXmppConfiguration.h>
#include <QXmppDataForm.h>
#include <QXmppGlobal.h>
#include <QXmppLogger.h>
#include <QXmppRegisterIq.h>
#include <QXmppRegistrationManager.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

static void
usage ()
{
  std::fprintf (stderr, "usage: qxmpp-driver --port N --ca-file F --username U --password-file P"
                        " [--host H] [--domain D] [--timeout S] [--debug]\n");
  std::exit (2);
}

int
main (int argc, char **argv)
{
  QCoreApplication app (argc, argv);
  QString host = QStringLiteral ("127.0.0.1"), domain = QStringLiteral ("localhost");
  QString ca_file, username, password_file;
  int port = 0;
  double timeout_s = 20.0;
  bool debug = false;

  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : nullptr;
      if (std::strcmp (a, "--debug") == 0) { debug = true; continue; }
      if (!v) usage ();
      if (std::strcmp (a, "--host") == 0) host = QString::fromUtf8 (v);
      else if (std::strcmp (a, "--port") == 0) port = std::atoi (v);
      else if (std::strcmp (a, "--domain") == 0) domain = QString::fromUtf8 (v);
      else if (std::strcmp (a, "--ca-file") == 0) ca_file = QString::fromUtf8 (v);
      else if (std::strcmp (a, "--username") == 0) username = QString::fromUtf8 (v);
      else if (std::strcmp (a, "--password-file") == 0) password_file = QString::fromUtf8 (v);
      else if (std::strcmp (a, "--timeout") == 0) timeout_s = std::atof (v);
      /* as bench-roundtrips calls every driver: this one registers, over STARTTLS only */
      else if (std::strcmp (a, "--mode") == 0) { if (std::strcmp (v, "register") != 0) usage (); }
      else if (std::strcmp (a, "--transport") == 0) { if (std::strcmp (v, "starttls") != 0) usage (); }
      else usage ();
      i++;
    }
  if (port <= 0 || ca_file.isEmpty () || username.isEmpty () || password_file.isEmpty ())
    usage ();

  QFile pf (password_file);
  if (!pf.open (QIODevice::ReadOnly))
    {
      std::fprintf (stderr, "qxmpp-driver: cannot read the password file\n");
      return 1;
    }
  const QString password = QString::fromUtf8 (pf.readLine ()).trimmed ();
  const QList<QSslCertificate> cas = QSslCertificate::fromPath (ca_file);
  if (cas.isEmpty ())
    {
      std::fprintf (stderr, "qxmpp-driver: no certificate in the CA file\n");
      return 1;
    }

  QXmppClient client;
  auto *reg = new QXmppRegistrationManager;
  client.addExtension (reg);
  reg->setRegisterOnConnectEnabled (true);
  if (debug)
    {
      QXmppLogger::getLogger ()->setLoggingType (QXmppLogger::StdoutLogging);
      client.setLogger (QXmppLogger::getLogger ());
    }

  QXmppConfiguration config;
  config.setDomain (domain);
  config.setHost (host);
  config.setPort (port);
  config.setStreamSecurityMode (QXmppConfiguration::TLSRequired);
  config.setCaCertificates (cas);
  config.setIgnoreSslErrors (false);
  config.setAutoReconnectionEnabled (false);

  int status = 1;
  bool done = false;
  double total_ms = 0;
  QString detail;
  QElapsedTimer timer;
  auto finish = [&] (bool ok, const QString &what) {
    if (done)
      return;
    done = true;
    total_ms = timer.nsecsElapsed () / 1e6;
    status = ok ? 0 : 1;
    detail = what;
    client.disconnectFromServer ();
    QTimer::singleShot (0, &app, &QCoreApplication::quit);
  };

  QObject::connect (reg, &QXmppRegistrationManager::registrationFormReceived,
                    [&] (const QXmppRegisterIq &iq) {
    QXmppDataForm form = iq.form ();
    if (!form.isNull ())
      {
        form.setType (QXmppDataForm::Submit);
        for (auto &field : form.fields ())
          {
            if (field.key () == QLatin1String ("username"))
              field.setValue (username);
            else if (field.key () == QLatin1String ("password"))
              field.setValue (password);
          }
        reg->setRegistrationFormToSend (form);
      }
    else
      {
        QXmppRegisterIq answer;
        answer.setUsername (username);
        answer.setPassword (password);
        reg->setRegistrationFormToSend (answer);
      }
    reg->sendCachedRegistrationForm ();
  });
  QObject::connect (reg, &QXmppRegistrationManager::registrationSucceeded,
                    [&] () { finish (true, QStringLiteral ("registered")); });
  QObject::connect (reg, &QXmppRegistrationManager::registrationFailed,
                    [&] (const QXmppStanza::Error &error) {
    finish (false, QStringLiteral ("registration failed: ") + error.text ()
                   + QStringLiteral (" (condition %1)").arg (int (error.condition ())));
  });
  QObject::connect (&client, &QXmppClient::error, [&] (QXmppClient::Error error) {
    finish (false, QStringLiteral ("client error %1").arg (int (error)));
  });
  QObject::connect (&client, &QXmppClient::sslErrors, [&] (const QList<QSslError> &errors) {
    QStringList msgs;
    for (const auto &e : errors)
      msgs << e.errorString ();
    finish (false, QStringLiteral ("TLS: ") + msgs.join (QStringLiteral ("; ")));
  });
  QObject::connect (&client, &QXmppClient::disconnected, [&] () {
    finish (false, QStringLiteral ("disconnected"));
  });
  QTimer::singleShot (int (timeout_s * 1000), &app, [&] () {
    finish (false, QStringLiteral ("timeout"));
  });

  timer.start ();
  client.connectToServer (config);
  app.exec ();

  if (status == 0)
    std::printf ("{\"total_ms\": %.3f, \"client\": \"qxmpp\", \"version\": \"%s\", "
                 "\"end\": \"%s\", \"tls_trust\": \"ca-file\"}\n",
                 total_ms, qPrintable (QXmppVersion ()), qPrintable (detail));
  else
    std::fprintf (stderr, "qxmpp-driver: %s\n", qPrintable (detail));
  return status;
}
